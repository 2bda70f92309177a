#!/usr/bin/env bash
# Writes shared/src/main/resources/aws-trust-roots.p12: the trust store of the functions that call
# only AWS (docs/benchmarks.md, "The trust store"): the root certificates AWS service endpoints chain
# to (Amazon Trust Services' Amazon Root CA 1-4 and the Starfield Services Root CA - G2 that
# cross-signs them), taken from the JDK's own cacerts by their SHA-256 fingerprints, as a PKCS#12
# store of certificates only, readable without a password (it holds nothing secret).
# AwsTrustRootsTest checks the file holds exactly these five.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(scripts/jdk.sh)
keytool="$JAVA_HOME/bin/keytool"
out=shared/src/main/resources/aws-trust-roots.p12
fingerprints=(
  "8E:CD:E6:88:4F:3D:87:B1:12:5B:A3:1A:C3:FC:B1:3D:70:16:DE:7F:57:CC:90:4F:E1:CB:97:C6:AE:98:19:6E" # Amazon Root CA 1
  "1B:A5:B2:AA:8C:65:40:1A:82:96:01:18:F8:0B:EC:4F:62:30:4D:83:CE:C4:71:3A:19:C3:9C:01:1E:A4:6D:B4" # Amazon Root CA 2
  "18:CE:6C:FE:7B:F1:4E:60:B2:E3:47:B8:DF:E8:68:CB:31:D0:2E:BB:3A:DA:27:15:69:F5:03:43:B4:6D:B3:A4" # Amazon Root CA 3
  "E3:5D:28:41:9E:D0:20:25:CF:A6:90:38:CD:62:39:62:45:8D:A5:C6:95:FB:DE:A3:C2:2B:0B:FB:25:89:70:92" # Amazon Root CA 4
  "56:8D:69:05:A2:C8:87:08:A4:B3:02:51:90:ED:CF:ED:B1:97:4A:60:6A:13:C6:E5:29:0F:CB:2A:E6:3E:DA:B5" # Starfield Services Root CA - G2
)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$keytool" -list -v -cacerts -storepass changeit 2>/dev/null \
  | awk '/^Alias name: /{alias=substr($0, 13)} /SHA256: /{print $2 "\t" alias}' > "$work/all"
rm -f "$out"
for fp in "${fingerprints[@]}"; do
  alias=$(awk -F'\t' -v fp="$fp" '$1 == fp {print $2; exit}' "$work/all")
  [ -n "$alias" ] || { echo "the JDK's cacerts has no certificate with SHA-256 $fp" >&2; exit 1; }
  "$keytool" -exportcert -rfc -cacerts -storepass changeit -alias "$alias" > "$work/cert.pem" 2>/dev/null
  name=$(echo "$alias" | sed 's/^debian://; s/\.pem$//; s/ \[jdk\]$//; s/[^A-Za-z0-9_-]/_/g')
  "$keytool" -J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE -J-Dkeystore.pkcs12.macAlgorithm=NONE \
    -importcert -noprompt -alias "$name" -file "$work/cert.pem" -keystore "$out" -storetype PKCS12 \
    -storepass changeit >/dev/null
done
echo "$out: ${#fingerprints[@]} certificates"
