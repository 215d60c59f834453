#!/usr/bin/env bash
# Takes a savepoint of the current topology and commits it as the upgrade-gate fixture
# (src/test/resources/savepoints/current), which StateCompatibilityTest restores on every build.
# Run it for a release, or after an intended change of state; commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/test.classpath
java --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
  -cp "target/test-classes:target/classes:$(cat target/test.classpath)" io.clickstream.pipeline.StateCompatibilityTest
