# pco-handshake: the two commands are `make run` (the whole handshake locally) and `make test`.
SHELL := /bin/bash
JAVA_HOME := $(shell scripts/jdk.sh)
export JAVA_HOME
MVN := mvn -B -ntp

.PHONY: test build run invoke format clean

## test: every test — unit, integration against the AWS emulator, template checks
test:
	@scripts/ensure-moto.sh >/dev/null
	$(MVN) verify

## build: compile and package every function's deployable jar, without tests
build:
	$(MVN) -q package -DskipTests

## format: apply the code formatter (the build also formats, and CI checks)
format:
	$(MVN) -q spotless:apply

clean:
	$(MVN) -q clean
