#!/usr/bin/env bash
# Makes the sandbox app registration's certificate credential (run once; the result is committed). SharePoint's REST
# API refuses app-only tokens a client secret obtained, so `npm run provision` signs its token request with this
# certificate (AZURE_CLIENT_CERTIFICATE_PATH), as a provisioning app does in a tenant. Public on purpose: the
# sandbox's token authority is its only verifier; it protects nothing.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 36500 \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -subj "/CN=Inclusion Flow sandbox app" 2>/dev/null
cat "$tmp/cert.pem" "$tmp/key.pem" > app-credential.pem
rm -rf "$tmp"
echo "wrote sandbox/tls/app-credential.pem (certificate and private key, as @azure/identity's certificatePath wants)"
