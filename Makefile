# pco-handshake: the two commands are `make run` (the whole handshake locally) and `make test`.
SHELL := /bin/bash
JAVA_HOME := $(shell scripts/jdk.sh)
export JAVA_HOME
MVN := mvn -B -ntp

.PHONY: test build run invoke format clean bench

## test: every test — unit, integration against the AWS emulator, template checks
test:
	@scripts/ensure-moto.sh >/dev/null
	$(MVN) verify

## build: compile and package every function's deployable jar, without tests
build:
	$(MVN) -q package -DskipTests

## bench: the cold-start benchmark (docs/benchmarks.md): every function's artifact and two baselines,
## each in fresh JVMs under the Lambda Runtime Interface Client; writes bench/target/results.md.
## Options as -D flags in BENCH_OPTS, e.g. BENCH_OPTS="-Dbench.runs=3 -Dbench.only=token,bare-sdk"
bench:
	@scripts/ensure-moto.sh >/dev/null
	$(MVN) -q -pl bench -am package -DskipTests
	"$(JAVA_HOME)/bin/java" $(BENCH_OPTS) -cp "bench/target/classes:$$(cat bench/target/classpath.txt)" org.pcohandshake.bench.Bench

## format: apply the code formatter (the build also formats, and CI checks)
format:
	$(MVN) -q spotless:apply

clean:
	$(MVN) -q clean
