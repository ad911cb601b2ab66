#!/usr/bin/env bash
# Runs one Jazzer @FuzzTest in fuzzing mode (docs/security-fuzzing.md).
#   scripts/fuzz.sh <module> <fully.qualified.TestClass> <method> [duration, default 10m]
# e.g. scripts/fuzz.sh protocol dev.codebound.protocol.envelope.EnvelopeFuzzTest open 1h
# New coverage goes to <module>/.cifuzz-corpus/ (not committed); a finding is written to
# <module>/src/test/resources/<package>/<Class>Inputs/<method>/crash-* and fails the run:
# fix it, keep the crash file (it is replayed by every mvn test from then on) and commit both.
set -euo pipefail
cd "$(dirname "$0")/.."
module=$1 class=$2 method=$3 duration=${4:-10m}
# Coverage guidance needs the libraries that do the parsing instrumented too, not only our classes
# (jazzer-junit's default is the classes of target/classes and target/test-classes). The JDK's own
# classes (ImageIO, java.time) cannot be instrumented; their findings still surface as exceptions.
export JAZZER_INSTRUMENTATION_INCLUDES=${JAZZER_INSTRUMENTATION_INCLUDES:-dev.codebound.**:org.bouncycastle.**:com.google.zxing.**:com.fasterxml.jackson.**}
# -am: every module's tests need sibling modules (the protocol's, the test kit), built from this tree.
JAZZER_FUZZ=1 JAZZER_MAX_DURATION="$duration" exec mvn -B -ntp test -pl "$module" -am \
  -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false
