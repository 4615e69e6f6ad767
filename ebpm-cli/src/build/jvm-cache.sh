#!/usr/bin/env bash
# Build step (ebpm-cli's package phase): records the classes ebpm's commands load, for the JDK on PATH, in a JVM cache:
# an AOT cache on JDK 25 and later (-XX:AOTCacheOutput: classes loaded and linked, and method profiles), a static
# AppCDS archive otherwise (the class list of a training run, then -Xshare:dump). Java 17's dynamic archive
# (-XX:ArchiveClassesAtExit) would leave out picocli: its classes are Java 5 class files, which only a static archive
# takes. ./ebpm then starts without reading, parsing and verifying them again. Writes OUT/flags (the JVM flags to use it) and
# OUT/java (which java it is for); ./ebpm uses the flags only with that java and a jar older than the cache.
# Best effort: if anything fails, there is no cache and ebpm starts as before.
set -u
jar=$1 repo=$2 out=$3
java=$(readlink -f "$(command -v "${EBPM_JAVA:-java}")") || exit 0
rm -rf "$out" && mkdir -p "$out" || exit 0
scratch=$(mktemp -d) store=$scratch/store
trap 'rm -rf "$scratch"' EXIT
sqlite="$(dirname "$jar")/native/org/sqlite/native/Linux/$HOSTTYPE"
# the training's examples key and builds go to the scratch directory too, never to the machine's /etc/ebpm or caches
props=(-Debpm.examples="$repo/examples" -Debpm.repo="$repo" -Debpm.config.dir="$scratch/config" -Debpm.cache.dir="$scratch/cache"
       -Dorg.sqlite.lib.path="$sqlite" -Dorg.sqlite.lib.name=libsqlitejdbc.so)
# newer JDKs warn on stderr when a library loads native code (sqlite-jdbc, jffi) or uses sun.misc.Unsafe (jffi, the
# ring buffer reader): allowed here once, rather than printed on every command
jdk=()
for f in --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow; do
  "$java" "$f" -version >/dev/null 2>&1 && jdk+=("$f")
done
train() { "$java" "${jdk[@]}" "$@" "${props[@]}" -cp "$jar" dev.ebpm.cli.StartupTraining "$store" >>"$out/training.log" 2>&1; }
if "$java" -XX:+PrintFlagsFinal -version 2>/dev/null | grep -q ' AOTCacheOutput '; then
  use="-XX:AOTCache=$out/ebpm.aot" quiet="-Xlog:aot=off -Xlog:cds=off"
  train -XX:AOTCacheOutput="$out/ebpm.aot"
else
  use="-XX:SharedArchiveFile=$out/ebpm.jsa" quiet="-Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off"
  train -XX:DumpLoadedClassList="$out/classes.lst" \
    && "$java" "${jdk[@]}" -Xshare:dump -XX:SharedClassListFile="$out/classes.lst" -XX:SharedArchiveFile="$out/ebpm.jsa" -cp "$jar" >>"$out/training.log" 2>&1
fi
if [ $? -eq 0 ] && [ -s "${use#*=}" ]; then
  # a cache that does not match (another jar, another JDK build) is skipped silently, never printed over ebpm's output
  echo "${jdk[*]} $use $quiet" >"$out/flags"
  echo "$java" >"$out/java"
else
  echo "ebpm: no JVM cache for $java (see $out/training.log); ebpm starts without it" >&2
fi
exit 0
