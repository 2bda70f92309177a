#!/usr/bin/env bash
# Rotates the KMS key that signs the stack's access tokens (KMS cannot rotate asymmetric keys by
# itself). One phase per call, each safe to run again; docs/api-side.md, "Signing key rotation".
#
#   scripts/rotate-signing-key.sh status                 where the rotation stands, what comes next
#   scripts/rotate-signing-key.sh create                 1. create the next key (same spec, policy, tag)
#   scripts/rotate-signing-key.sh publish                2. publish it in the JWKS beside the signer
#   scripts/rotate-signing-key.sh switch                 3. after the publication window: it signs
#   scripts/rotate-signing-key.sh retire [--disable-old-key]
#                                                        4. after the longest token lifetime: drop the
#                                                           old key from the JWKS (and disable it)
# Options: --stack NAME (default: stack_name in samconfig.toml, else pco-handshake), --region R,
#          --dry-run (print the changing calls instead of making them), --wait (sleep until a
#          phase's window has passed instead of stopping), --publish-window SECONDS (longer only).
#
# It changes only the stack's SigningKeyId and PreviousSigningKeyIds parameters, with
# `aws cloudformation update-stack --use-previous-template` (every other parameter keeps its
# value; nothing is rebuilt). The rotation's state lives in KMS: the aliases
# alias/pco-handshake/<stack>/next and .../retiring name the keys in flight, and tags on them
# record when each phase happened. Exit codes: 0 done (or nothing to do), 75 too early (run again
# later, or with --wait), 2 usage, 1 any other failure.
set -euo pipefail

# What the windows are made of (keep in step with the code; RotationScriptIT checks them):
JWKS_MAX_AGE_SECONDS=300      # Cache-Control max-age of GET /.well-known/jwks.json (DiscoveryEndpoint)
VERIFIER_JWKS_TTL_SECONDS=300 # how long AccessTokenVerifier keeps a fetched JWKS (CachedJwks.TTL)
AUTHORIZER_KEY_CACHE_SECONDS=7200 # API Gateway's JWT authorizer may keep keys up to 2 hours
CLOCK_SKEW_SECONDS=60         # verifiers' tolerance on exp (CLOCK_SKEW_SECONDS default)
MARGIN_SECONDS=300            # deployment time: old versions finishing in-flight requests, etc.

TAG_SIGNING_KEY="pco-handshake:signing-key"
TAG_PUBLISHED_AT="pco-handshake:rotation-published-at"
TAG_SWITCHED_AT="pco-handshake:rotation-switched-at"
TAG_RETIRED_AT="pco-handshake:rotation-retired-at"
EXIT_TOO_EARLY=75

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

phase="" stack="" region="" dry_run=false wait_for_window=false disable_old=false publish_window_override=""
while [ $# -gt 0 ]; do
  case "$1" in
    status|create|publish|switch|retire) [ -z "$phase" ] || usage; phase=$1 ;;
    --stack) stack=${2:?--stack needs a name}; shift ;;
    --region) region=${2:?--region needs a region}; shift ;;
    --dry-run) dry_run=true ;;
    --wait) wait_for_window=true ;;
    --disable-old-key) disable_old=true ;;
    --publish-window) publish_window_override=${2:?--publish-window needs seconds}; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
  shift
done
[ -n "$phase" ] || usage
if [ -z "$stack" ]; then
  stack=$(sed -n 's/^stack_name *= *"\(.*\)"/\1/p' "$(dirname "$0")/../samconfig.toml" 2>/dev/null | head -1)
  stack=${stack:-pco-handshake}
fi
command -v aws >/dev/null 2>&1 || { echo "the aws CLI is not installed (https://aws.amazon.com/cli/)" >&2; exit 1; }

aws_() { if [ -n "$region" ]; then aws --region "$region" "$@"; else aws "$@"; fi; }
say() { echo "[$phase] $*"; }
# a call that changes something: printed, and made unless --dry-run
change() {
  if $dry_run; then echo "[$phase] dry run, would call: aws $*"; else aws_ "$@"; fi
}
now() { echo "${PCO_ROTATE_NOW:-$(date +%s)}"; } # PCO_ROTATE_NOW: a fixed clock, for tests
when() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$1" +%Y-%m-%dT%H:%M:%SZ; }

# ---- the stack
stack_parameter() {
  aws_ cloudformation describe-stacks --stack-name "$stack" --output text \
    --query "Stacks[0].Parameters[?ParameterKey=='$1'].ParameterValue | [0]" | sed 's/^None$//'
}
stack_output() {
  aws_ cloudformation describe-stacks --stack-name "$stack" --output text \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue | [0]" | sed 's/^None$//'
}
# update-stack with the previous template: the two key parameters set, every other one as it is
update_keys() { # signer previous...
  local signer=$1 previous=$2 names json="[" sep=""
  names=$(aws_ cloudformation describe-stacks --stack-name "$stack" --output text \
    --query 'Stacks[0].Parameters[].ParameterKey')
  for name in $names; do
    case "$name" in
      SigningKeyId) json+="$sep{\"ParameterKey\":\"SigningKeyId\",\"ParameterValue\":\"$signer\"}" ;;
      PreviousSigningKeyIds) json+="$sep{\"ParameterKey\":\"PreviousSigningKeyIds\",\"ParameterValue\":\"$previous\"}" ;;
      *) json+="$sep{\"ParameterKey\":\"$name\",\"UsePreviousValue\":true}" ;;
    esac
    sep=","
  done
  json+="]"
  say "stack update: SigningKeyId=\"$signer\" PreviousSigningKeyIds=\"$previous\""
  if $dry_run; then
    change cloudformation update-stack --stack-name "$stack" --use-previous-template \
      --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --parameters "'$json'"
  else
    aws_ cloudformation update-stack --stack-name "$stack" --use-previous-template \
      --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --parameters "$json" >/dev/null
    say "waiting for the stack update to complete ..."
    aws_ cloudformation wait stack-update-complete --stack-name "$stack"
    say "stack updated"
    warn_samconfig "$signer" "$previous"
  fi
}
warn_samconfig() {
  local config
  config="$(dirname "$0")/../samconfig.toml"
  if grep -qE '^[^#]*parameter_overrides.*(SigningKeyId|PreviousSigningKeyIds)=' "$config" 2>/dev/null; then
    echo "[$phase] WARNING: samconfig.toml's parameter_overrides name the signing keys; a later sam deploy" \
      "would put its values back. Change them to SigningKeyId=\"$1\" PreviousSigningKeyIds=\"$2\"." >&2
  fi
}

# ---- KMS: keys, aliases, tags
alias_name() { echo "alias/pco-handshake/$stack/$1"; }
alias_target() { # the key id an alias points at, or nothing
  aws_ kms describe-key --key-id "$(alias_name "$1")" --query KeyMetadata.KeyId --output text 2>/dev/null || true
}
set_alias() { # name key
  if [ -n "$(alias_target "$1")" ]; then
    change kms update-alias --alias-name "$(alias_name "$1")" --target-key-id "$2"
  else
    change kms create-alias --alias-name "$(alias_name "$1")" --target-key-id "$2"
  fi
}
drop_alias() { [ -z "$(alias_target "$1")" ] || change kms delete-alias --alias-name "$(alias_name "$1")"; }
tag_value() { # key tag
  aws_ kms list-resource-tags --key-id "$1" --output text \
    --query "Tags[?TagKey=='$2'].TagValue | [0]" | sed 's/^None$//'
}
tag_once() { # key tag value: keeps the first time a phase happened
  [ -n "$(tag_value "$1" "$2")" ] || change kms tag-resource --key-id "$1" --tags "TagKey=$2,TagValue=$3"
}
without() { # list item: the list without item
  local out="" k
  for k in $1; do [ "$k" = "$2" ] || out+="${out:+ }$k"; done
  echo "$out"
}
contains() { local k; for k in $1; do [ "$k" = "$2" ] && return 0; done; return 1; }
# stops with 75 (or sleeps, with --wait) until the epoch second $1
not_before() { # epoch what
  local t
  t=$(now)
  if [ "$t" -ge "$1" ]; then return 0; fi
  if $wait_for_window && [ -z "${PCO_ROTATE_NOW:-}" ]; then
    say "waiting $(( $1 - t )) s, until $(when "$1") ($2) ..."
    sleep $(( $1 - t ))
    return 0
  fi
  say "too early: $2; allowed at $1 ($(when "$1"), in $(( $1 - t )) s). Run again then, or with --wait."
  exit $EXIT_TOO_EARLY
}

# ---- the state
read_state() {
  algorithm=$(stack_parameter AccessTokenAlgorithm); algorithm=${algorithm:-ES256}
  ttl=$(stack_parameter AccessTokenTtlSeconds); ttl=${ttl:-3600}
  authorizer=$(stack_parameter ProtectWithJwtAuthorizer)
  previous=$(stack_parameter PreviousSigningKeyIds)
  signer=$(stack_output SigningKeyId)
  [ -n "$signer" ] || { echo "stack $stack has no SigningKeyId output: deploy this version of template.yaml first" >&2; exit 1; }
  next=$(alias_target next)
  retiring=$(alias_target retiring)
  publish_window=$(( JWKS_MAX_AGE_SECONDS + VERIFIER_JWKS_TTL_SECONDS + MARGIN_SECONDS ))
  if [ "$authorizer" = "true" ]; then
    publish_window=$(( AUTHORIZER_KEY_CACHE_SECONDS + MARGIN_SECONDS ))
  fi
  if [ -n "$publish_window_override" ]; then
    if [ "$publish_window_override" -lt "$publish_window" ]; then
      echo "--publish-window $publish_window_override is shorter than the $publish_window s verifiers may keep the old JWKS" >&2
      exit 2
    fi
    publish_window=$publish_window_override
  fi
  retire_window=$(( ttl + CLOCK_SKEW_SECONDS + MARGIN_SECONDS ))
}

show_status() {
  say "stack $stack: $algorithm, signer $signer, also published: ${previous:-none}"
  say "windows: publish -> switch ${publish_window} s; switch -> retire ${retire_window} s (access tokens live ${ttl} s)"
  if [ -n "$next" ]; then
    local at
    at=$(tag_value "$next" "$TAG_PUBLISHED_AT")
    if [ "$signer" = "$next" ]; then say "next key $next already signs: run switch again to finish"
    elif [ -n "$at" ] && contains "$previous" "$next"; then
      say "next key $next published at $(when "$at"); switch allowed from $(when $(( at + publish_window )))"
    else say "next key $next created, not published: run publish"; fi
  fi
  if [ -n "$retiring" ]; then
    local at
    at=$(tag_value "$retiring" "$TAG_SWITCHED_AT")
    if contains "$previous" "$retiring"; then
      say "old key $retiring stopped signing at $(when "${at:-0}"); retire allowed from $(when $(( ${at:-0} + retire_window )))"
    else say "old key $retiring left the JWKS: run retire again to finish"; fi
  fi
  if [ -z "$next" ] && [ -z "$retiring" ]; then say "no rotation in progress: run create to start one"; fi
}

do_create() {
  if [ -n "$next" ]; then say "next key already created: $next"; return; fi
  if [ -n "$retiring" ]; then
    echo "the previous rotation is not finished (old key $retiring still retiring): run retire first" >&2; exit 1
  fi
  local spec policy key
  case "$algorithm" in ES256) spec=ECC_NIST_P256 ;; RS256) spec=RSA_2048 ;; *) echo "unknown AccessTokenAlgorithm $algorithm" >&2; exit 1 ;; esac
  # the same key policy as the signer's (what template.yaml declares for the stack's keys)
  policy=$(aws_ kms get-key-policy --key-id "$signer" --policy-name default --query Policy --output text)
  say "creating a $spec SIGN_VERIFY key tagged $TAG_SIGNING_KEY=$stack, with the signer's key policy"
  if $dry_run; then
    change kms create-key --key-spec "$spec" --key-usage SIGN_VERIFY --policy '<the signer'"'"'s policy>' \
      --tags "TagKey=$TAG_SIGNING_KEY,TagValue=$stack"
    return
  fi
  key=$(aws_ kms create-key --key-spec "$spec" --key-usage SIGN_VERIFY --policy "$policy" \
    --description "$stack: signs access tokens ($algorithm); rotated in $(when "$(now)")" \
    --tags "TagKey=$TAG_SIGNING_KEY,TagValue=$stack" --query KeyMetadata.KeyId --output text)
  set_alias next "$key"
  say "created $key ($(alias_name next)); next: publish"
}

do_publish() {
  [ -n "$next" ] || { echo "no next key: run create first" >&2; exit 1; }
  if [ "$signer" = "$next" ] || contains "$previous" "$next"; then
    say "$next is already published"
  else
    update_keys "$signer" "$(echo "$previous $next" | xargs)"
  fi
  tag_once "$next" "$TAG_PUBLISHED_AT" "$(now)"
  local at
  at=$(tag_value "$next" "$TAG_PUBLISHED_AT"); at=${at:-$(now)}
  say "published; switch allowed from $(when $(( at + publish_window ))) (in ${publish_window} s)"
}

do_switch() {
  if [ -z "$next" ]; then
    if [ -n "$retiring" ]; then say "already switched: $signer signs, $retiring is retiring"; return; fi
    echo "no next key: run create and publish first" >&2; exit 1
  fi
  local old=$signer at
  if [ "$signer" != "$next" ]; then
    at=$(tag_value "$next" "$TAG_PUBLISHED_AT")
    if [ -z "$at" ] || ! contains "$previous" "$next"; then echo "$next is not published yet: run publish first" >&2; exit 1; fi
    not_before $(( at + publish_window )) "verifiers may still hold a JWKS without $next"
    update_keys "$next" "$(echo "$(without "$previous" "$next") $old" | xargs)"
  else
    # a switch that stopped after the stack update: the old signer is the first previous key
    old=$(echo "$previous" | awk '{print $NF}')
  fi
  tag_once "$old" "$TAG_SWITCHED_AT" "$(now)"
  set_alias retiring "$old"
  drop_alias next
  say "$next signs; $old still verifies the tokens it signed. Next: retire, after $retire_window s"
}

do_retire() {
  [ -n "$retiring" ] || { say "nothing to retire"; return; }
  local at
  if contains "$previous" "$retiring"; then
    at=$(tag_value "$retiring" "$TAG_SWITCHED_AT")
    [ -n "$at" ] || { echo "$retiring has no $TAG_SWITCHED_AT tag: run switch again first" >&2; exit 1; }
    not_before $(( at + retire_window )) "tokens $retiring signed may still be valid"
    update_keys "$signer" "$(without "$previous" "$retiring")"
  else
    say "$retiring already left the JWKS"
  fi
  tag_once "$retiring" "$TAG_RETIRED_AT" "$(now)"
  if $disable_old; then
    say "disabling $retiring (it can be enabled again; schedule its deletion yourself once sure)"
    change kms disable-key --key-id "$retiring"
  fi
  drop_alias retiring
  say "retired $retiring: only $signer is published"
}

read_state
case "$phase" in
  status) show_status ;;
  create) do_create ;;
  publish) do_publish ;;
  switch) do_switch ;;
  retire) do_retire ;;
esac
