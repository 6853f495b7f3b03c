#!/usr/bin/env bash
# Rebuild the vendored GraphiQL assets in zhengdun/static/graphiql/.
#
# Installs the pinned npm packages (package-lock.json) and copies their
# prebuilt UMD bundles, CSS and licenses next to index.html. The copied files
# are committed, so serving GraphiQL never needs npm or the network.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(cd "$here/../.." && pwd)/zhengdun/static/graphiql"
nm="$here/node_modules"

cd "$here"
npm ci --no-audit --no-fund

mkdir -p "$out"
cp "$nm/graphiql/graphiql.min.js"                 "$out/graphiql.min.js"
cp "$nm/graphiql/graphiql.min.css"                "$out/graphiql.min.css"
cp "$nm/graphiql/LICENSE"                         "$out/LICENSE.graphiql"
cp "$nm/react/umd/react.production.min.js"         "$out/react.production.min.js"
cp "$nm/react/LICENSE"                            "$out/LICENSE.react"
cp "$nm/react-dom/umd/react-dom.production.min.js" "$out/react-dom.production.min.js"
cp "$nm/react-dom/LICENSE"                        "$out/LICENSE.react-dom"

# The page must fetch nothing off-machine: the CSS may only use data: URLs
# (GraphiQL 3 inlines its Roboto / Fira Code fonts) and no @import.
if grep -Eq 'url\(["'\'']?(https?:)?//|@import' "$out/graphiql.min.css"; then
    echo "build.sh: graphiql.min.css references an external URL or @import" >&2
    exit 1
fi

echo "Copied into $out:"
ls -l "$out"
