#!/usr/bin/env bash
# Regenerates the settings table of docs/configuration.md from the code (Settings.java).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/runtime.classpath
table=$(java -cp "target/classes:$(cat target/runtime.classpath)" io.clickstream.config.SettingsTable)
python3 - "$table" <<'PY'
import sys, re
doc = open("docs/configuration.md").read()
begin, end = "<!-- settings:begin -->\n", "<!-- settings:end -->"
head, rest = doc.split(begin, 1)
_, tail = rest.split(end, 1)
open("docs/configuration.md", "w").write(head + begin + sys.argv[1] + "\n\n" + end + tail)
PY
echo "docs/configuration.md updated"
