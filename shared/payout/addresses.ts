import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { type BytesCoder, base58, base58xrp, bech32, bech32m } from '@scure/base';

/** Token networks a USDT payout can travel on. The wrong one loses the funds. */
export const USDT_PROTOCOLS = ['ERC20', 'TRC20'] as const;
export type UsdtProtocol = (typeof USDT_PROTOCOLS)[number];

/** Which chain an environment pays out on; the sandbox may use testnet addresses. */
export type AddressNetwork = 'mainnet' | 'testnet';

export interface DestinationAddressInput {
  readonly currency: string;
  readonly address: string;
  /** Only read for USDT, where it picks the address format (ERC20: Ethereum, TRC20: Tron). */
  readonly protocol?: string | undefined;
  readonly network: AddressNetwork;
}

/**
 * Fields a destination may have besides `currency` and `address`. Each has its schema in
 * shared/payout/schema.ts (`DESTINATION_FIELDS`); which currency takes it is in {@link DESTINATION_CURRENCIES}.
 */
export type DestinationField = 'protocol' | 'tag';

/** What the worker knows about one destination currency. */
export interface DestinationRule {
  /** The fields it requires besides `currency` and `address`; a destination of another currency refuses them. */
  readonly fields: readonly DestinationField[];
  /**
   * Checks the address's format and checksum for the network (it is neither empty nor has whitespace).
   * Returns a reason a producer can act on, or `undefined` when the address is valid.
   */
  readonly check: (input: DestinationAddressInput) => string | undefined;
}

/**
 * The destination currencies the worker can pay out to, in the order messages list them: the extra fields
 * each takes and its address check, checksum included. The schema's `destination` union is built from it
 * (shared/payout/schema.ts).
 */
export const DESTINATION_CURRENCIES = {
  BTC: { fields: [], check: ({ address, network }) => checkUtxoAddress(address, network, BITCOIN) },
  ETH: { fields: [], check: ({ address }) => checkEthereumAddress(address) },
  LTC: { fields: [], check: ({ address, network }) => checkUtxoAddress(address, network, LITECOIN) },
  USDT: { fields: ['protocol'], check: ({ address, protocol }) => checkUsdtAddress(address, protocol) },
  XRP: { fields: ['tag'], check: ({ address }) => checkXrpAddress(address) },
} as const satisfies Readonly<Record<string, DestinationRule>>;

export type DestinationCurrency = keyof typeof DESTINATION_CURRENCIES;

/** The keys of {@link DESTINATION_CURRENCIES}: BTC, ETH, LTC, USDT, XRP. */
export const SUPPORTED_DESTINATION_CURRENCIES = Object.keys(
  DESTINATION_CURRENCIES,
) as readonly DestinationCurrency[];

/** The fields `currency` takes besides currency and address (protocol for USDT, tag for XRP). */
export function destinationFields(currency: DestinationCurrency): readonly DestinationField[] {
  return DESTINATION_CURRENCIES[currency].fields;
}

/** True for the destination currencies listed in {@link DESTINATION_CURRENCIES}. */
export function isSupportedDestinationCurrency(currency: string): currency is DestinationCurrency {
  return (SUPPORTED_DESTINATION_CURRENCIES as readonly string[]).includes(currency);
}

/** The reason given for a destination currency the worker cannot check, hence cannot pay. */
export function unsupportedCurrencyReason(currency: string): string {
  return `unsupported destination currency ${currency}; supported: ${SUPPORTED_DESTINATION_CURRENCIES.join(', ')}`;
}

/**
 * Checks a payout destination address for its currency and network, checksum included.
 * Returns a reason a producer can act on, or `undefined` when the address is valid.
 *
 * @example
 * checkDestinationAddress({ currency: 'BTC', address: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', network: 'mainnet' });
 * // undefined
 */
export function checkDestinationAddress(input: DestinationAddressInput): string | undefined {
  const { currency, address } = input;
  if (!isSupportedDestinationCurrency(currency)) return unsupportedCurrencyReason(currency);
  if (address.length === 0) return 'must not be empty';
  if (/\s/.test(address)) return 'must not contain whitespace';
  return DESTINATION_CURRENCIES[currency].check(input);
}

/** Human-readable parts of the bech32 addresses the worker accepts (BTC and LTC, both networks). */
const BECH32_PREFIXES = ['bc1', 'tb1', 'ltc1', 'tltc1'] as const;

function isBech32Like(currency: string, address: string): boolean {
  if (currency !== 'BTC' && currency !== 'LTC') return false;
  const lower = address.toLowerCase();
  return BECH32_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * The one form of an address the worker sends, digests and compares: bech32 addresses (BTC, LTC) in
 * lower case (BIP-173 allows either case, and a vendor may store either); every other format as given,
 * since base58 is case-sensitive and an EIP-55 address carries its checksum in its case.
 */
export function canonicalAddress(currency: string, address: string): string {
  return isBech32Like(currency, address) ? address.toLowerCase() : address;
}

/**
 * Whether two addresses of `currency` are the same destination by that chain's rules: hex addresses
 * (ETH, USDT on ERC20) ignore case, bech32 ignores case, base58 (BTC/LTC legacy, XRP, Tron) is exact.
 */
export function sameAddress(currency: string, ours: string, theirs: string): boolean {
  if (/^0x[0-9a-fA-F]{40}$/.test(ours)) return ours.toLowerCase() === theirs.toLowerCase();
  if (isBech32Like(currency, ours)) return ours.toLowerCase() === theirs.toLowerCase();
  return ours === theirs;
}

interface UtxoChain {
  readonly name: string;
  readonly hrp: Readonly<Record<AddressNetwork, string>>;
  readonly versions: Readonly<Record<AddressNetwork, readonly number[]>>;
  readonly hint: Readonly<Record<AddressNetwork, string>>;
}

const BITCOIN: UtxoChain = {
  name: 'Bitcoin',
  hrp: { mainnet: 'bc', testnet: 'tb' },
  versions: { mainnet: [0x00, 0x05], testnet: [0x6f, 0xc4] },
  hint: { mainnet: '1…, 3…, bc1q… or bc1p…', testnet: 'm…, n…, 2…, tb1q… or tb1p…' },
};

const LITECOIN: UtxoChain = {
  name: 'Litecoin',
  hrp: { mainnet: 'ltc', testnet: 'tltc' },
  versions: { mainnet: [0x30, 0x32, 0x05], testnet: [0x6f, 0x3a, 0xc4] },
  hint: { mainnet: 'L…, M…, 3… or ltc1…', testnet: 'm…, n…, Q…, 2… or tltc1…' },
};

const other = (network: AddressNetwork): AddressNetwork => (network === 'mainnet' ? 'testnet' : 'mainnet');

function checkUtxoAddress(address: string, network: AddressNetwork, chain: UtxoChain): string | undefined {
  const lower = address.toLowerCase();
  for (const net of [network, other(network)]) {
    if (!lower.startsWith(`${chain.hrp[net]}1`)) continue;
    const reason = checkSegwit(address, chain.hrp[net]);
    if (reason !== undefined) return `is not a valid ${chain.name} segwit address: ${reason}`;
    return net === network ? undefined : wrongNetwork(chain, network);
  }
  const decoded = decodeBase58Check(base58, address);
  if (typeof decoded === 'string') {
    return `is not a valid ${chain.name} ${network} address (${chain.hint[network]}): ${decoded}`;
  }
  const [version] = decoded;
  if (decoded.length !== 21 || version === undefined) {
    return `is not a valid ${chain.name} address: decodes to ${decoded.length} bytes instead of 21`;
  }
  if (chain.versions[network].includes(version)) return undefined;
  if (chain.versions[other(network)].includes(version)) return wrongNetwork(chain, network);
  return `is not a ${chain.name} ${network} address: version byte 0x${hexByte(version)}; expected ${chain.hint[network]}`;
}

function wrongNetwork(chain: UtxoChain, network: AddressNetwork): string {
  return `is a ${chain.name} ${other(network)} address, but this environment pays out on ${network} (${chain.hint[network]})`;
}

/** BIP-173 (v0, bech32) and BIP-350 (v1, bech32m) witness addresses. Returns a reason or undefined. */
function checkSegwit(address: string, hrp: string): string | undefined {
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) {
    return 'mixes upper and lower case';
  }
  const lower = address.toLowerCase();
  const plain = bech32.decodeUnsafe(lower);
  const modified = bech32m.decodeUnsafe(lower);
  const decoded = plain ?? modified;
  if (decoded === undefined || decoded.prefix !== hrp) return 'checksum mismatch or invalid characters';
  const [version, ...programWords] = decoded.words;
  if (version === undefined) return 'missing witness version';
  if (version > 16) return `invalid witness version ${version}`;
  if (version === 0 && plain === undefined) return 'witness version 0 must use the bech32 checksum';
  if (version > 0 && modified === undefined)
    return `witness version ${version} must use the bech32m checksum`;
  const program = bech32.fromWordsUnsafe(programWords);
  if (program === undefined) return 'invalid padding in the witness program';
  if (version === 0) {
    return program.length === 20 || program.length === 32
      ? undefined
      : `witness v0 program must be 20 or 32 bytes, got ${program.length}`;
  }
  if (version === 1) {
    return program.length === 32
      ? undefined
      : `witness v1 (taproot) program must be 32 bytes, got ${program.length}`;
  }
  // v2–v16 are valid encodings but no soft fork gives them meaning: coins sent there are at risk.
  return `witness version ${version} is not in use yet; refusing to pay to it`;
}

/** Decodes base58check with the alphabet given; returns the payload (version byte first) or a reason. */
function decodeBase58Check(coder: BytesCoder, address: string): Uint8Array | string {
  let raw: Uint8Array;
  try {
    raw = coder.decode(address);
  } catch {
    return 'contains characters outside the base58 alphabet';
  }
  if (raw.length < 5) return 'is too short';
  const payload = raw.subarray(0, raw.length - 4);
  const expected = sha256(sha256(payload)).subarray(0, 4);
  const actual = raw.subarray(raw.length - 4);
  if (!expected.every((byte, i) => byte === actual[i])) return 'checksum mismatch (typo?)';
  return payload;
}

const ZERO_ADDRESS = `0x${'0'.repeat(40)}`;

function checkEthereumAddress(address: string, otherProtocol?: UsdtProtocol): string | undefined {
  if (otherProtocol === 'TRC20' && /^T[1-9A-HJ-NP-Za-km-z]{33}$/.test(address)) {
    return 'looks like a Tron (TRC20) address, but destination.protocol is ERC20; wrong network = funds lost';
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return 'must be "0x" followed by 40 hexadecimal digits';
  if (address.toLowerCase() === ZERO_ADDRESS) return 'is the zero (burn) address';
  const hex = address.slice(2);
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return undefined;
  const hash = keccak_256(new TextEncoder().encode(hex.toLowerCase()));
  for (let i = 0; i < hex.length; i += 1) {
    const char = hex.charAt(i);
    if (!/[a-fA-F]/.test(char)) continue;
    const byte = hash[i >> 1] ?? 0;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    if (nibble >= 8 !== (char === char.toUpperCase())) {
      return 'fails the EIP-55 mixed-case checksum (typo?); send it exactly as the wallet shows it';
    }
  }
  return undefined;
}

/** USDT: the protocol picks the chain, hence the address format (ERC20: Ethereum, TRC20: Tron). */
function checkUsdtAddress(address: string, protocol: string | undefined): string | undefined {
  if (protocol === 'ERC20') return checkEthereumAddress(address, 'TRC20');
  if (protocol === 'TRC20') return checkTronAddress(address);
  return 'cannot be checked without destination.protocol (ERC20 or TRC20)';
}

function checkTronAddress(address: string): string | undefined {
  if (/^0x[0-9a-fA-F]{40}$/.test(address)) {
    return 'looks like an Ethereum (ERC20) address, but destination.protocol is TRC20; wrong network = funds lost';
  }
  if (/^41[0-9a-fA-F]{40}$/.test(address))
    return 'is a hex Tron address; send the base58 form starting with T';
  const decoded = decodeBase58Check(base58, address);
  if (typeof decoded === 'string') return `is not a valid Tron address (T…): ${decoded}`;
  if (decoded.length !== 21)
    return `is not a valid Tron address: decodes to ${decoded.length + 4} bytes instead of 25`;
  if (decoded[0] !== 0x41)
    return `is not a Tron address: version byte 0x${hexByte(decoded[0] ?? 0)}, expected 0x41 (T…)`;
  return undefined;
}

function checkXrpAddress(address: string): string | undefined {
  if (/^[XT][1-9A-HJ-NP-Za-km-z]{46}$/.test(address)) {
    return 'looks like an X-address; send the classic address (r…) and put the tag in destination.tag';
  }
  if (!address.startsWith('r')) return 'must be a classic XRP address starting with r';
  const decoded = decodeBase58Check(base58xrp, address);
  if (typeof decoded === 'string') return `is not a valid XRP address: ${decoded}`;
  if (decoded.length !== 21 || decoded[0] !== 0x00)
    return 'is not a valid XRP account address (wrong length or type)';
  return undefined;
}

function hexByte(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
