import { describe, expect, it } from 'vitest';
import { type AddressNetwork, checkDestinationAddress } from '#shared/payout/addresses.ts';

interface Vector {
  readonly currency: string;
  readonly protocol?: string;
  readonly network: AddressNetwork;
  readonly address: string;
  /** The same address with one character changed; must fail on the checksum. */
  readonly twin: string;
}

// Known-valid addresses (checksums cross-checked with an independent Python implementation of
// base58check and BIP-173/350). Sources: the genesis block, the Bitcoin wiki, BIP-173, BIP-350,
// EIP-55, the USDT TRC20 contract, the XRP Ledger genesis account. Litecoin ones are the genesis
// hash160 re-encoded with each Litecoin version byte, plus the BIP-173 program under ltc/tltc.
const VECTORS: readonly Vector[] = [
  {
    currency: 'BTC',
    network: 'mainnet',
    address: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa',
    twin: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb',
  },
  {
    currency: 'BTC',
    network: 'mainnet',
    address: '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
    twin: '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz',
  },
  {
    currency: 'BTC',
    network: 'mainnet',
    address: 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4',
    twin: 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T5',
  },
  {
    currency: 'BTC',
    network: 'mainnet',
    address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
    twin: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp',
  },
  {
    currency: 'BTC',
    network: 'mainnet',
    address: 'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3',
    twin: 'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv4',
  },
  {
    currency: 'BTC',
    network: 'mainnet',
    address: 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
    twin: 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj2',
  },
  {
    currency: 'BTC',
    network: 'testnet',
    address: 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn',
    twin: 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfm',
  },
  {
    currency: 'BTC',
    network: 'testnet',
    address: '2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc',
    twin: '2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vd',
  },
  {
    currency: 'BTC',
    network: 'testnet',
    address: 'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
    twin: 'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k8',
  },
  {
    currency: 'BTC',
    network: 'testnet',
    address: 'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
    twin: 'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0d',
  },
  {
    currency: 'LTC',
    network: 'mainnet',
    address: 'LTdsVS8VDw6syvfQADdhf2PHAm3rMGJvPX',
    twin: 'LTdsVS8VDw6syvfQADdhf2PHAm3rMGJvPY',
  },
  {
    currency: 'LTC',
    network: 'mainnet',
    address: 'LUEweDxDA4WhvWiNXXSxjM9CYzHPJv4QQF',
    twin: 'LUEweDxDA4WhvWiNXXSxjM9CYzHPJv4QQG',
  },
  {
    currency: 'LTC',
    network: 'mainnet',
    address: 'MGxNPPB7eBoWPUaprtX9v9CXJZoD2465zN',
    twin: 'MGxNPPB7eBoWPUaprtX9v9CXJZoD2465zP',
  },
  {
    currency: 'LTC',
    network: 'mainnet',
    address: '3Ai1JZ8pdJb2ksieUV8FsxSNVJCpoPi8W6',
    twin: '3Ai1JZ8pdJb2ksieUV8FsxSNVJCpoPi8W7',
  },
  {
    currency: 'LTC',
    network: 'mainnet',
    address: 'ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9',
    twin: 'ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n8',
  },
  {
    currency: 'LTC',
    network: 'mainnet',
    address: 'ltc1pqqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0sts9tf8',
    twin: 'ltc1pqqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0sts9tf9',
  },
  {
    currency: 'LTC',
    network: 'testnet',
    address: 'mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt',
    twin: 'mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKu',
  },
  {
    currency: 'LTC',
    network: 'testnet',
    address: 'QVk4MvUu7Wb7tZ1wvAeiUvdF7wxhvpyLLK',
    twin: 'QVk4MvUu7Wb7tZ1wvAeiUvdF7wxhvpyLLL',
  },
  {
    currency: 'LTC',
    network: 'testnet',
    address: '2N2GDNJ4rEm6NxfMC9ck8VuRdheQzXWaNZv',
    twin: '2N2GDNJ4rEm6NxfMC9ck8VuRdheQzXWaNZw',
  },
  {
    currency: 'LTC',
    network: 'testnet',
    address: 'tltc1qw508d6qejxtdg4y5r3zarvary0c5xw7klfsuq0',
    twin: 'tltc1qw508d6qejxtdg4y5r3zarvary0c5xw7klfsuq2',
  },
  {
    currency: 'ETH',
    network: 'mainnet',
    address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    twin: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD',
  },
  {
    currency: 'ETH',
    network: 'mainnet',
    address: '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    twin: '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5D359',
  },
  {
    currency: 'ETH',
    network: 'mainnet',
    address: '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    twin: '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6Fb',
  },
  {
    currency: 'ETH',
    network: 'testnet',
    address: '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
    twin: '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9ADb',
  },
  {
    currency: 'USDT',
    protocol: 'ERC20',
    network: 'mainnet',
    address: '0xdAC17F958D2ee523a2206206994597C13D831ec7',
    twin: '0xdAC17F958D2ee523a2206206994597C13D831eC7',
  },
  {
    currency: 'USDT',
    protocol: 'TRC20',
    network: 'mainnet',
    address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t',
    twin: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u',
  },
  {
    currency: 'USDT',
    protocol: 'TRC20',
    network: 'testnet',
    address: 'TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7',
    twin: 'TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU8',
  },
  {
    currency: 'XRP',
    network: 'mainnet',
    address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh',
    twin: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTi',
  },
  {
    currency: 'XRP',
    network: 'testnet',
    address: 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe',
    twin: 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYf',
  },
];

const label = (v: Vector) =>
  `${v.currency}${v.protocol === undefined ? '' : `/${v.protocol}`} ${v.network} ${v.address}`;

describe('checkDestinationAddress', () => {
  it.each(VECTORS.map((v) => [label(v), v] as const))('accepts %s', (_, vector) => {
    // Act
    const reason = checkDestinationAddress(vector);

    // Assert
    expect(reason).toBeUndefined();
  });

  it.each(VECTORS.map((v) => [label(v), v] as const))(
    'rejects the one-character twin of %s on its checksum',
    (_, vector) => {
      // Arrange
      const twin = { ...vector, address: vector.twin };

      // Act
      const reason = checkDestinationAddress(twin);

      // Assert
      expect(reason).toMatch(/checksum/);
    },
  );

  it.each([
    ['an all-lower-case', '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'],
    ['an all-upper-case', '0x52908400098527886E0F7030069857D2E4169EE7'],
  ])('accepts %s Ethereum address without an EIP-55 checksum', (_, address) => {
    // Act
    const reason = checkDestinationAddress({ currency: 'ETH', address, network: 'mainnet' });

    // Assert
    expect(reason).toBeUndefined();
  });

  it.each([
    [
      'BTC',
      'mainnet',
      'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
      'is a Bitcoin testnet address',
    ],
    ['BTC', 'mainnet', 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', 'is a Bitcoin testnet address'],
    ['BTC', 'testnet', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'is a Bitcoin mainnet address'],
    ['BTC', 'testnet', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'is a Bitcoin mainnet address'],
    ['LTC', 'mainnet', 'tltc1qw508d6qejxtdg4y5r3zarvary0c5xw7klfsuq0', 'is a Litecoin testnet address'],
    ['LTC', 'testnet', 'LTdsVS8VDw6syvfQADdhf2PHAm3rMGJvPX', 'is a Litecoin mainnet address'],
  ] as const)('rejects a %s address from the other network on %s', (currency, network, address, reason) => {
    // Act
    const result = checkDestinationAddress({ currency, address, network });

    // Assert
    expect(result).toContain(reason);
  });

  it.each([
    [
      'v1 with a 40-byte program',
      'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y',
      'must be 32 bytes',
    ],
    ['v16', 'BC1SW50QGDZ25J', 'witness version 16 is not in use'],
    ['v2', 'bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', 'witness version 2 is not in use'],
    [
      'v1 with a bech32 checksum',
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd',
      'must use the bech32m checksum',
    ],
    [
      'v0 with a bech32m checksum',
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh',
      'must use the bech32 checksum',
    ],
    ['mixed case', 'bc1qAr0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'mixes upper and lower case'],
  ])('rejects a BIP-350 %s address', (_, address, reason) => {
    // Act
    const result = checkDestinationAddress({ currency: 'BTC', address, network: 'mainnet' });

    // Assert
    expect(result).toContain(reason);
  });

  it.each([
    ['LTC', undefined, '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'version byte 0x00'],
    ['BTC', undefined, 'LTdsVS8VDw6syvfQADdhf2PHAm3rMGJvPX', 'version byte 0x30'],
    ['BTC', undefined, '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0', 'outside the base58 alphabet'],
    ['BTC', undefined, ' 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'must not contain whitespace'],
    ['BTC', undefined, '', 'must not be empty'],
    ['ETH', undefined, '5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '"0x" followed by 40 hexadecimal digits'],
    ['ETH', undefined, '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe', '"0x" followed by 40 hexadecimal digits'],
    ['ETH', undefined, '0x0000000000000000000000000000000000000000', 'zero (burn) address'],
    ['USDT', 'ERC20', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', 'wrong network = funds lost'],
    ['USDT', 'TRC20', '0xdAC17F958D2ee523a2206206994597C13D831ec7', 'wrong network = funds lost'],
    ['USDT', 'TRC20', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'expected 0x41'],
    ['USDT', 'TRC20', '41a614f803b6fd780986a42c78ec9c7f77e6ded13c', 'send the base58 form'],
    ['USDT', undefined, 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', 'without destination.protocol'],
    ['XRP', undefined, 'X7AcgcsBL6XDcUb289X4mJ8djcdyKaB5hJDWMArnXr61cqZ', 'put the tag in destination.tag'],
    ['XRP', undefined, '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'starting with r'],
  ])(
    'rejects %s (protocol %s) address %j with a reason containing %j',
    (currency, protocol, address, reason) => {
      // Act
      const result = checkDestinationAddress({ currency, protocol, address, network: 'mainnet' });

      // Assert
      expect(result).toContain(reason);
    },
  );

  it('names the supported currencies when the currency is not one of them', () => {
    // Act
    const result = checkDestinationAddress({ currency: 'DOGE', address: 'D8x', network: 'mainnet' });

    // Assert
    expect(result).toBe('unsupported destination currency DOGE; supported: BTC, ETH, LTC, USDT, XRP');
  });
});
