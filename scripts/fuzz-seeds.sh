#!/usr/bin/env bash
# Copies the committed test vectors into the Jazzer seed corpora (docs/security-fuzzing.md).
# Generated seeds (signed receipts, CSR, payloads) come from WireFuzzTest.main and PkiFuzzTest.main.
# Run from the repository root; commit the result. Existing crash-* regression inputs are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
P=protocol/src/test/resources
V=$P/vectors
seed() { mkdir -p "$1"; }

# Collection codes: the text of every manifest case (good, malformed, revoked, other key...).
for target in decode verify; do
  d=$P/dev/codebound/protocol/code/CodeFuzzTestInputs/$target; seed "$d"
  python3 - "$V/code/manifest.json" "$d" <<'PY'
import json, sys, os
manifest, out = sys.argv[1], sys.argv[2]
for case in json.load(open(manifest))["cases"]:
    open(os.path.join(out, case["name"] + ".txt"), "w").write(case["code"])
PY
done
d=$P/dev/codebound/protocol/code/CodeFuzzTestInputs/readQr; seed "$d"; cp "$V/code/good.png" "$d/good.png"

# Envelopes and the binding.
d=$P/dev/codebound/protocol/envelope/EnvelopeFuzzTestInputs/open; seed "$d"; cp "$V"/envelope/*.cms "$d/"
d=$P/dev/codebound/protocol/envelope/EnvelopeFuzzTestInputs/openSuite2; seed "$d"; cp "$V"/envelope-suite2/*.cms "$d/"
d=$P/dev/codebound/protocol/envelope/EnvelopeFuzzTestInputs/openFormat2; seed "$d"; cp "$V"/envelope-format2/*.cms "$d/"
d=$P/dev/codebound/protocol/envelope/EnvelopeFuzzTestInputs/openFormat2Suite2; seed "$d"
cp "$V"/envelope-format2-suite2/*.cms "$d/"
d=$P/dev/codebound/protocol/envelope/EnvelopeFuzzTestInputs/bindingFromDer; seed "$d"
cp "$V/envelope/good.binding.der" "$d/"
cp "$V/envelope-format2/good.binding.der" "$d/good-format2.binding.der"
cp "$V/envelope-format2-suite2/good.binding.der" "$d/good-format2-suite2.binding.der"

# tus headers, problem bodies.
W=$P/dev/codebound/protocol/wire/WireFuzzTestInputs
seed "$W/uploadMetadata"
printf '%s' 'envelope-sha256 YWJjZA==,station-id U1QtMDAwMQ==,filename cGhvdG8uY21z,is-final' > "$W/uploadMetadata/typical.txt"
printf '%s' 'key' > "$W/uploadMetadata/bare-key.txt"
seed "$W/uploadChecksum"
printf '%s' 'sha256 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' > "$W/uploadChecksum/sha256.txt"
printf '%s' 'sha1 2jmj7l5rSw0yVb/vlWAYkK/YBwk=' > "$W/uploadChecksum/sha1.txt"
seed "$W/problem"
printf '%s' '{"type":"urn:codebound:problem:bad-signature","title":"Bad signature","status":422,"detail":"the station signature does not verify","instance":"/files/abc","reason":"BAD_SIGNATURE"}' > "$W/problem/problem.json"

# Transparency log: the worked example of docs/spec-log.md.
E=$P/dev/codebound/protocol/log/example
L=$P/dev/codebound/protocol/log/LogFuzzTestInputs
seed "$L/checkpointText"; sed -n '1,3p' "$E/note.txt" > "$L/checkpointText/checkpoint.txt"
seed "$L/signedNote"; cp "$E/note.txt" "$L/signedNote/"
seed "$L/checkpointVerify"; cp "$E/note.txt" "$L/checkpointVerify/"
seed "$L/inclusionProofJson"; cp "$E/proof.json" "$L/inclusionProofJson/"
seed "$L/consistencyProofJson"; cp "$E/consistency.json" "$L/consistencyProofJson/"
seed "$L/logEntry"; xxd -r -p "$E/entry.hex" > "$L/logEntry/entry.bin"
seed "$L/verifierKey"; tr -d '\n' < "$E/vkey.txt" > "$L/verifierKey/vkey.txt"

# Keys, certificates, trust bundles.
K=$P/dev/codebound/protocol/pki/PkiFuzzTestInputs
seed "$K/trustBundle"; cp "$V"/code/trust-bundle*.json "$K/trustBundle/"
seed "$K/certificatesFromPem"; cp "$V"/envelope/registry-ca.cert.pem "$V"/envelope/station.cert.pem "$K/certificatesFromPem/"
cat "$V"/envelope/registry-ca.cert.pem "$V"/envelope/station.cert.pem > "$K/certificatesFromPem/chain.pem"
seed "$K/privateKeyFromPem"; cp "$V"/envelope/station.key.pem "$K/privateKeyFromPem/"

# mock-server: tus integer headers.
T=mock-server/src/test/resources/dev/codebound/server/upload/TusHeadersFuzzTestInputs/integerHeader
seed "$T"; printf '0' > "$T/zero.txt"; printf '45000' > "$T/length.txt"; printf '9223372036854775807' > "$T/max.txt"
echo "seed corpora written"
