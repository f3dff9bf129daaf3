#!/bin/sh
# Regenerate tests/data/cdk.out from tests/data/cdk-app/app.js with a pinned
# aws-cdk-lib, installed into a temporary directory (no node_modules in the
# repository). Only what the loader reads is kept: manifest.json, the stacks'
# templates and asset manifests, and the asset directories.
# Usage: scripts/synth-test-stacks.sh   (needs node and npm; offline after the install)
set -eu
CDK_LIB_VERSION=2.176.0
CONSTRUCTS_VERSION=10.4.2
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --silent "aws-cdk-lib@$CDK_LIB_VERSION" "constructs@$CONSTRUCTS_VERSION")
NODE_PATH="$work/node_modules" CDK_OUTDIR="$work/out" node "$here/tests/data/cdk-app/app.js"
rm -rf "$here/tests/data/cdk.out"
mkdir -p "$here/tests/data/cdk.out"
cd "$work/out"
cp manifest.json ./*.template.json ./*.assets.json "$here/tests/data/cdk.out/"
cp -r asset.* "$here/tests/data/cdk.out/"
echo "wrote $here/tests/data/cdk.out (aws-cdk-lib $CDK_LIB_VERSION)"
