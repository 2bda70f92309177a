package org.pcohandshake.templatetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.sam.ProjectRoot;
import org.pcohandshake.testkit.sam.SamParameter;
import org.pcohandshake.testkit.sam.SamTemplate;

/**
 * What the SAM CLI would show on the deploy path, checked without it: no parameter deploys with a
 * placeholder, the list parameters say how to quote them, ConfigYaml lists the scopes, the function
 * Makefiles explain build_in_source when SAM runs them from a scratch copy, and samconfig.toml.
 */
class DeployPathIT {

  /** The parameters a deployment must set: no default, so Enter at a prompt gives "" (refused). */
  static final Set<String> MUST_SET = Set.of("PcoOAuthApplicationId", "PcoClientId");

  /**
   * The parameters a deployment must set in the login bridge mode (the default) only: empty by
   * default, refused empty by a rule while {@code LoginMode} is {@code bridge}, not needed in
   * {@code oidc} mode.
   */
  static final Set<String> BRIDGE_MUST_SET = Set.of("LoginUrl", "LoginIssuer");

  /** Values with spaces, cut at the first one unless quoted in --parameter-overrides. */
  static final List<String> SPACED =
      List.of(
          "Scopes",
          "ExtraRedirectUris",
          "AllowedOrigins",
          "PreviousSigningKeyIds",
          "AppName",
          "LoginClaims");

  final Path root = ProjectRoot.find();
  final SamTemplate raw = SamTemplate.load(root.resolve(ProjectRoot.TEMPLATE_FILE));

  @SuppressWarnings("unchecked")
  Map<String, Object> parameter(String name) {
    return (Map<String, Object>) ((Map<String, Object>) raw.document().get("Parameters")).get(name);
  }

  @Test
  void parametersADeploymentMustSet_haveNoDefault_refuseEmpty_andHaveLocalValues() {
    Set<String> withoutDefault = new TreeSet<>();
    raw.parameters()
        .forEach(
            (name, p) -> p.defaultValue().ifPresentOrElse(d -> {}, () -> withoutDefault.add(name)));
    assertEquals(new TreeSet<>(MUST_SET), withoutDefault);
    for (String name : MUST_SET) {
      SamParameter p = raw.parameters().get(name);
      assertFalse(accepts(p, ""), name + " accepts an empty value (Enter at the guided prompt)");
      assertTrue(
          String.valueOf(parameter(name).get("ConstraintDescription")).startsWith("must be set"),
          name);
    }
    SamTemplate local = SamTemplate.fromProjectRoot();
    Set<String> withLocalValues = new TreeSet<>(MUST_SET);
    withLocalValues.addAll(BRIDGE_MUST_SET);
    assertEquals(withLocalValues, new TreeSet<>(local.localValues().keySet()));
    local
        .parameters()
        .keySet()
        .forEach(n -> assertTrue(local.localParameterValues().containsKey(n)));
  }

  @Test
  void noDefaultIsAPlaceholder_andTheOldPlaceholdersAreRefusedByARule() {
    raw.parameters()
        .forEach(
            (name, p) ->
                p.defaultValue()
                    .ifPresent(
                        d ->
                            assertFalse(
                                d.matches("(?i).*(set-me|replace-me|example\\.com|changeme).*"),
                                name + " defaults to a placeholder: " + d)));
    Object rules = raw.document().get("Rules");
    String rule = String.valueOf(((Map<?, ?>) rules).get("NoPlaceholderValues"));
    for (String placeholder :
        List.of("set-me", "https://example.com/pco-login", "https://example.com")) {
      assertTrue(rule.contains(placeholder), rule);
    }
  }

  @Test
  void eachLoginModesSettings_areRequiredByARule_inThatModeOnly(
      @Provisioned ProvisionedStack stack) {
    // the local values: the bridge with its URL and issuer
    assertEquals(List.of(), stack.failedRules(Map.of()));
    for (String name : BRIDGE_MUST_SET) {
      assertEquals("", raw.parameters().get(name).defaultValue().orElseThrow(), name);
      List<String> failed = stack.failedRules(Map.of(name, ""));
      assertEquals(1, failed.size(), failed.toString());
      assertTrue(
          failed.get(0).startsWith(name + " must be set with LoginMode bridge"), failed.get(0));
    }
    Map<String, String> oidc =
        Map.of(
            "LoginMode", "oidc",
            "LoginUrl", "",
            "LoginIssuer", "",
            "OidcIssuer", "https://login.example.test/tenant",
            "OidcClientId", "stack-client");
    assertEquals(List.of(), stack.failedRules(oidc));
    for (String name : List.of("OidcIssuer", "OidcClientId")) {
      Map<String, String> without = new java.util.HashMap<>(oidc);
      without.put(name, "");
      List<String> failed = stack.failedRules(without);
      assertEquals(1, failed.size(), failed.toString());
      assertTrue(
          failed.get(0).startsWith(name + " must be set with LoginMode oidc"), failed.get(0));
    }
    // the old placeholders are still refused, in either mode
    assertEquals(1, stack.failedRules(Map.of("LoginUrl", "https://example.com/pco-login")).size());
  }

  @Test
  void everyParameterWithSpaces_describesItsQuoting() {
    for (String name : SPACED) {
      String description = String.valueOf(parameter(name).get("Description"));
      assertTrue(
          description.contains("--parameter-overrides '" + name + "=\""),
          name + " does not show its quoting: " + description);
    }
  }

  @Test
  void configYaml_listsTheConfiguredScopes(@Provisioned ProvisionedStack stack) {
    String base = "https://auth.example.test";
    assertTrue(
        stack
            .outputs(base, Map.of("Scopes", "people services", "Environment", "beta"))
            .get("ConfigYaml")
            .contains("  beta:\n"));
    assertTrue(
        stack
            .outputs(base, Map.of("Scopes", "people services"))
            .get("ConfigYaml")
            .contains("scopes: [people, services]\n"));
    assertTrue(stack.outputs(base, Map.of()).get("ConfigYaml").contains("scopes: []\n"));
    // the rotation script reads the signer from this output: the token function's key
    assertEquals(
        stack.environmentFor("TokenFunction", base).get("SIGNING_KEY_ID"),
        stack.outputs(base, Map.of()).get("SigningKeyId"));
  }

  @Test
  void functionMakefile_inAScratchCopy_explainsBuildInSource(@TempDir Path scratch)
      throws Exception {
    Files.copy(root.resolve("functions/token/Makefile"), scratch.resolve("Makefile"));
    ProcessBuilder builder =
        new ProcessBuilder("make", "build-TokenFunction")
            .directory(scratch.toFile())
            .redirectErrorStream(true);
    // as SAM starts it: a make of its own, not a sub-make of `make test` (which would print
    // "Entering directory" first)
    builder.environment().keySet().removeAll(java.util.Set.of("MAKELEVEL", "MAKEFLAGS", "MFLAGS"));
    Process make = builder.start();
    String output = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(make.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, make.exitValue(), output);
    String first = output.lines().findFirst().orElse("");
    assertTrue(first.contains("scratch copy") && first.contains("--build-in-source"), output);
    assertFalse(output.contains("No rule to make target"), output);
  }

  @Test
  void everyFunctionMakefile_hasTheGuard() throws IOException {
    for (String function : raw.functions().keySet()) {
      Path makefile = root.resolve(raw.functions().get(function).codeUri()).resolve("Makefile");
      String text = Files.readString(makefile);
      assertTrue(text.contains("build-" + function + ":"), makefile.toString());
      assertTrue(text.contains("scratch copy"), makefile + " has no build_in_source guard");
    }
  }

  @Test
  void lambdaArtifact_neverRunsTheFormatter() throws Exception {
    Process make =
        new ProcessBuilder(
                "make", "-n", "lambda-artifact", "MODULE=functions/token", "ARTIFACTS_DIR=/tmp/x")
            .directory(root.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(make.waitFor(60, TimeUnit.SECONDS));
    assertTrue(output.contains("-Dspotless.skip=true"), output);
  }

  @Test
  void lambdaArtifact_putsTheAwsTrustStoreWhereJavaToolOptionsNamesIt() throws Exception {
    // the template names it relative to /var/task (the function's working directory), the root of
    // the deployment package
    Process make =
        new ProcessBuilder(
                "make", "-n", "lambda-artifact", "MODULE=functions/token", "ARTIFACTS_DIR=/tmp/x")
            .directory(root.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(make.waitFor(60, TimeUnit.SECONDS));
    assertTrue(
        output
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("cp shared/src/main/resources/" + AwsClients.AWS_TRUST_ROOTS)
                        && l.endsWith("\"/tmp/x/\"")),
        output);
    assertTrue(Files.isRegularFile(root.resolve("shared/src/main/resources/aws-trust-roots.p12")));
  }

  @Test
  void samconfig_buildsInSource_noCache_emptyChangesetIsSuccess_andBuildOutputIsIgnored()
      throws IOException {
    String samconfig = Files.readString(root.resolve("samconfig.toml"));
    assertFalse(samconfig.lines().anyMatch(l -> l.strip().startsWith("cached")), samconfig);
    assertTrue(samconfig.contains("fail_on_empty_changeset = false"));
    for (String section : List.of("[default.build.parameters]", "[default.sync.parameters]")) {
      String rest = samconfig.substring(samconfig.indexOf(section) + section.length());
      String body = rest.contains("\n[") ? rest.substring(0, rest.indexOf("\n[")) : rest;
      assertTrue(body.contains("build_in_source = true"), section);
    }
    assertTrue(Files.readString(root.resolve(".gitignore")).lines().anyMatch(".aws-sam/"::equals));
  }

  @Test
  void rotationStandIn_namesTheTemplatesParametersAndOutput() throws IOException {
    String yaml =
        Files.readString(root.resolve("template-tests/src/test/resources/rotation-stand-in.yaml"));
    for (String name : SamTemplate.parse(yaml).parameters().keySet()) {
      if (!name.equals("StackSigningKey")) {
        assertTrue(raw.parameters().containsKey(name), name + " is not a template parameter");
      }
    }
    assertTrue(raw.outputs().containsKey("SigningKeyId"));
  }

  static boolean accepts(SamParameter parameter, String value) {
    try {
      parameter.validate(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
