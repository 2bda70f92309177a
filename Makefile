# pco-handshake: the two commands are `make run` (the whole handshake locally) and `make test`.
SHELL := /bin/bash
JAVA_HOME := $(shell scripts/jdk.sh)
export JAVA_HOME
MVN := mvn -B -ntp

.PHONY: test test-localstack build run invoke format clean lambda-artifact

## test: every test — unit, integration against the AWS emulator, template checks.
## The emulator: AWS_ENDPOINT_URL when set, else moto (installed into .venv here when missing),
## else LocalStack in Docker; PCO_EMULATOR=endpoint|moto|localstack forces one (docs/emulators.md).
test:
	@case "$$(echo "$${PCO_EMULATOR:-auto}" | tr '[:upper:]' '[:lower:]')" in \
	  localstack|endpoint) ;; \
	  *) [ -n "$${AWS_ENDPOINT_URL:-}" ] || scripts/ensure-moto.sh >/dev/null \
	     || echo "moto is not installed; the tests use LocalStack if Docker answers, else say what to install." >&2 ;; \
	esac
	@scripts/ensure-template-tools.sh || true
	$(MVN) verify

## test-localstack: the same tests on LocalStack (Docker + Testcontainers), even where moto is installed
test-localstack:
	PCO_EMULATOR=localstack $(MVN) verify

## build: compile and package every function's deployable jar, without tests
build:
	$(MVN) -q package -DskipTests

## lambda-artifact: one function's deployable jar into ARTIFACTS_DIR/lib (used by `sam build`)
lambda-artifact:
	@test -n "$(MODULE)" && test -n "$(ARTIFACTS_DIR)" || { echo "usage: make lambda-artifact MODULE=functions/token ARTIFACTS_DIR=dir"; exit 2; }
	$(MVN) -q -pl $(MODULE) -am package -DskipTests
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp $(MODULE)/target/*-lambda.jar "$(ARTIFACTS_DIR)/lib/"

## format: apply the code formatter (the build also formats, and CI checks)
format:
	$(MVN) -q spotless:apply

clean:
	$(MVN) -q clean
