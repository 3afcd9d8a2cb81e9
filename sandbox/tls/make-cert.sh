#!/usr/bin/env bash
# Makes the sandbox's loopback-only development certificate (run once; the result is committed).
# It is public on purpose: it identifies 127.0.0.1/localhost only and protects nothing.
set -euo pipefail
cd "$(dirname "$0")"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
  -keyout key.pem -out cert.pem -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign" \
  -addext "extendedKeyUsage=serverAuth" 2>/dev/null
echo "wrote sandbox/tls/cert.pem and key.pem"
