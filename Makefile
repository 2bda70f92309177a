# pco-handshake: the two commands are `make run` (the whole handshake locally) and `make test`.
SHELL := /bin/bash
JAVA_HOME := $(shell scripts/jdk.sh)
export JAVA_HOME
MVN := mvn -B -ntp

# `make run` and `make invoke` run with this class path (written by the local module's build) and
# rebuild first only when a source or a pom is newer than it.
RUN_CLASSPATH := local/target/runtime-classpath.txt
RUN_SOURCES := pom.xml $(shell find shared testkit functions local -name target -prune -o \
	-type f \( -name pom.xml -o -path '*/src/main/*' \) -print 2>/dev/null)
# a development JVM that starts fast: C1 only, the serial collector
RUN_JAVA = "$(JAVA_HOME)/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
	-cp "local/target/classes:$$(cat $(RUN_CLASSPATH))"
# moto, unless AWS_ENDPOINT_URL or PCO_EMULATOR says otherwise (docs/emulators.md)
ENSURE_EMULATOR = case "$$(echo "$${PCO_EMULATOR:-auto}" | tr '[:upper:]' '[:lower:]')" in \
	  localstack|endpoint) ;; \
	  *) [ -n "$${AWS_ENDPOINT_URL:-}" ] || scripts/ensure-moto.sh >/dev/null \
	     || echo "moto is not installed; LocalStack is used if Docker answers, else you are told what to install." >&2 ;; \
	esac

.PHONY: test test-localstack load build run invoke admin format clean lambda-artifact bench rotate-signing-key

## test: every test — unit, integration against the AWS emulator, template checks, the browser test.
## The emulator: AWS_ENDPOINT_URL when set, else moto (installed into .venv here when missing),
## else LocalStack in Docker; PCO_EMULATOR=endpoint|moto|localstack forces one (docs/emulators.md).
test:
	@$(ENSURE_EMULATOR)
	@scripts/ensure-template-tools.sh || true
	$(MVN) verify

## test-localstack: the same tests on LocalStack (Docker + Testcontainers), even where moto is installed
test-localstack:
	PCO_EMULATOR=localstack $(MVN) verify

## load: only the load test (200 handshakes, 2,000 refreshes, 32 clients through the local stack; also
## part of `make test`); other sizes with LOAD_OPTS, e.g. LOAD_OPTS="-Dload.clients=64" (docs/load.md)
load:
	$(MVN) -pl local -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dit.test=LoadIT -Dfailsafe.failIfNoSpecifiedTests=false $(LOAD_OPTS)

## build: compile and package every function's deployable jar, without tests
build:
	$(MVN) -q package -DskipTests

## run: the whole handshake on this machine (see docs/local-stack.md); Ctrl-C stops it
run: $(RUN_CLASSPATH)
	@$(ENSURE_EMULATOR)
	@$(RUN_JAVA) -Dlocal.exitWithParent=true org.pcohandshake.local.DevStack; \
	  status=$$?; [ $$status -eq 130 ] || [ $$status -eq 143 ] || exit $$status # Ctrl-C, SIGTERM: a normal stop

## invoke: one function with one event, e.g. make invoke FN=TokenFunction EVENT=events/token-invalid-client.json
invoke: $(RUN_CLASSPATH)
	@if [ -z "$(FN)" ] || [ -z "$(EVENT)" ]; then \
	  echo "usage: make invoke FN=<function logical id in template.yaml> EVENT=<events/*.json>" >&2; \
	  echo "  e.g. make invoke FN=TokenFunction EVENT=events/token-invalid-client.json" >&2; exit 2; fi
	@$(ENSURE_EMULATOR)
	@$(RUN_JAVA) org.pcohandshake.testkit.LocalInvoke "$(FN)" "$(EVENT)"

## admin: one command to the admin function of a running `make run` (its Lambda Invoke API), e.g.
## make admin OP=list_grants ARGS='"user_id":"dev-user"'   (PORT as for make run; README, "Administering grants")
admin:
	@if [ -z "$(OP)" ]; then \
	  echo "usage: make admin OP=<list_grants|grant_status|revoke_grant|revoke_user_grants|revoke_organization_grants> ARGS='\"name\":\"value\",...'" >&2; exit 2; fi
	@curl -sS --fail-with-body -X POST -H 'content-type: application/json' \
	  --data '{"operation":"$(OP)"$(if $(ARGS),$(comma)$(ARGS))}' \
	  "http://127.0.0.1:$${PORT:-3000}/2015-03-31/functions/GrantAdminFunction/invocations"; echo

comma := ,

$(RUN_CLASSPATH): $(RUN_SOURCES)
	@scripts/build-for-run.sh

## lambda-artifact: one function's deployable jar into ARTIFACTS_DIR/lib (used by `sam build`).
## Maven runs only when a jar is older than a source it is built from (the parent pom, shared, the
## module), and then builds every function's jar in one run, so the next functions of the same
## `sam build` only copy theirs. No formatter runs here: a deploy build never rewrites sources.
FUNCTION_MODULES := $(patsubst %/pom.xml,%,$(wildcard functions/*/pom.xml))
lambda-artifact:
	@test -n "$(MODULE)" && test -n "$(ARTIFACTS_DIR)" || { echo "usage: make lambda-artifact MODULE=functions/token ARTIFACTS_DIR=dir"; exit 2; }
	@jar=$$(ls $(MODULE)/target/*-lambda.jar 2>/dev/null | head -1); \
	if [ -n "$$jar" ] && [ -z "$$(find pom.xml shared/pom.xml shared/src/main $(MODULE)/pom.xml $(MODULE)/src/main \
	      -newer "$$jar" -print -quit 2>/dev/null)" ]; then \
	  echo "$(MODULE): $$jar is up to date"; \
	else \
	  echo "$(MODULE): building the functions' jars (mvn package, no tests, no formatter) ..."; \
	  $(MVN) -q -pl $$(echo $(FUNCTION_MODULES) | tr ' ' ',') -am package -DskipTests -Dspotless.skip=true || exit 1; \
	fi
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp $(MODULE)/target/*-lambda.jar "$(ARTIFACTS_DIR)/lib/"
	# the trust store the functions that call only AWS name in JAVA_TOOL_OPTIONS (a path relative
	# to /var/task, the function's working directory); in the jar too, where the bench finds it
	cp shared/src/main/resources/aws-trust-roots.p12 "$(ARTIFACTS_DIR)/"

## bench: the cold-start benchmark (docs/benchmarks.md): every function's artifact and two baselines, and the whole popup,
## each in fresh JVMs under the Lambda Runtime Interface Client; writes bench/target/results.md.
## Options as -D flags in BENCH_OPTS, e.g. BENCH_OPTS="-Dbench.runs=3 -Dbench.only=token,bare-sdk" (popup: -Dbench.only=popup)
bench:
	@scripts/ensure-moto.sh >/dev/null
	$(MVN) -q -pl bench -am package -DskipTests
	"$(JAVA_HOME)/bin/java" $(BENCH_OPTS) -cp "bench/target/classes:$$(cat bench/target/classpath.txt)" org.pcohandshake.bench.Bench

## rotate-signing-key: one phase of a signing-key rotation of the deployed stack (docs/api-side.md),
## e.g. make rotate-signing-key PHASE=status; phases create, publish, switch, retire; more options in
## ARGS, e.g. ARGS="--dry-run --stack my-stack"
rotate-signing-key:
	@scripts/rotate-signing-key.sh $(or $(PHASE),status) $(ARGS)

## format: apply the code formatter (the build also formats, and CI checks)
format:
	$(MVN) -q spotless:apply

clean:
	$(MVN) -q clean
