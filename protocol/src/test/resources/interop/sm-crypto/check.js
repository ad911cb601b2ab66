'use strict';
// Answers Codebound's suite 2 cross-check requests with sm-crypto, an implementation of SM2, SM3
// and SM4 independent of Bouncy Castle. Usage: node check.js requests.json answers.json. Reads a
// JSON array of requests and writes a JSON array of answers, one per request. Byte strings are hex.
//
// sm-crypto has SM4 in ECB and CBC only, so SM4-GCM (NIST SP 800-38D over SM4) is assembled here
// from SM4-ECB: the CTR keystream from counter block nonce || 2, and GHASH over GF(2^128).
const fs = require('fs');
const { sm2, sm3, sm4 } = require('sm-crypto');

const hexToBytes = (hex) => Array.from(Buffer.from(hex, 'hex'));
const bytesToHex = (bytes) => Buffer.from(bytes).toString('hex');

function counterBlock(nonce, counter) {
  const block = Buffer.alloc(16);
  Buffer.from(nonce, 'hex').copy(block, 0);
  block.writeUInt32BE(counter, 12);
  return block;
}

function sm4Ecb(key, bytes) {
  return Buffer.from(sm4.encrypt(Array.from(bytes), key, { padding: 'none', output: 'array' }));
}

// Multiplication in GCM's GF(2^128), bit 0 being the most significant bit of the block.
function gfMultiply(x, y) {
  const reduction = 0xe1n << 120n;
  let z = 0n;
  let v = y;
  for (let bit = 127n; bit >= 0n; bit--) {
    if ((x >> bit) & 1n) z ^= v;
    v = (v & 1n) ? (v >> 1n) ^ reduction : v >> 1n;
  }
  return z;
}

const blockToBigInt = (block) => BigInt('0x' + Buffer.from(block).toString('hex').padStart(32, '0'));

function sm4GcmDecrypt({ key, nonce, ciphertext, tag }) {
  const c = Buffer.from(ciphertext, 'hex');
  const blocks = Math.ceil(c.length / 16);
  const counters = Buffer.concat(Array.from({ length: blocks }, (_, i) => counterBlock(nonce, i + 2)));
  const keystream = blocks > 0 ? sm4Ecb(key, counters) : Buffer.alloc(0);
  const plaintext = Buffer.alloc(c.length);
  for (let i = 0; i < c.length; i++) plaintext[i] = c[i] ^ keystream[i];

  const h = blockToBigInt(sm4Ecb(key, Buffer.alloc(16)));
  let state = 0n;
  for (let offset = 0; offset < c.length; offset += 16) {
    const block = Buffer.alloc(16);
    c.copy(block, 0, offset, Math.min(offset + 16, c.length));
    state = gfMultiply(state ^ blockToBigInt(block), h);
  }
  state = gfMultiply(state ^ BigInt(c.length * 8), h);
  const expected = state ^ blockToBigInt(sm4Ecb(key, counterBlock(nonce, 1)));
  return { plaintext: plaintext.toString('hex'), tagValid: expected.toString(16).padStart(32, '0') === tag };
}

function answer(request) {
  switch (request.op) {
    case 'sm3':
      return sm3(hexToBytes(request.data));
    case 'sm4-ecb':
      return bytesToHex(sm4Ecb(request.key, Buffer.from(request.data, 'hex')));
    case 'sm2-verify':
      // hash: true applies SM2's Z value with sm-crypto's default signer ID, 1234567812345678.
      return sm2.doVerifySignature(hexToBytes(request.message), request.signature, request.publicKey,
        { der: true, hash: true });
    case 'sm2-sign':
      return sm2.doSignature(hexToBytes(request.message), request.privateKey,
        { der: true, hash: true, publicKey: request.publicKey });
    case 'sm2-decrypt':
      // C1C3C2 order; sm-crypto takes C1 without its 04 prefix.
      return bytesToHex(sm2.doDecrypt(request.ciphertext, request.privateKey, 1, { output: 'array' }));
    case 'sm4-gcm-decrypt':
      return sm4GcmDecrypt(request);
    default:
      throw new Error('unknown request ' + request.op);
  }
}

const requests = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
fs.writeFileSync(process.argv[3], JSON.stringify(requests.map(answer)));
