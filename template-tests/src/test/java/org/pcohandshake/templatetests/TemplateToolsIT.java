package org.pcohandshake.templatetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The template passes cfn-lint and translates to CloudFormation, as `sam deploy` needs. */
class TemplateToolsIT {

  @Test
  void cfnLint_reportsNothing() throws Exception {
    Tools.Result result = Tools.run(List.of(Tools.require("cfn-lint").toString(), "template.yaml"));
    assertEquals(0, result.exitCode(), result.output());
    assertEquals("", result.output().trim());
  }

  @Test
  void samTranslator_translatesTheTemplate_withAliasesAndExplicitRoutes() throws Exception {
    Path script = Path.of(getClass().getResource("/sam_translate.py").toURI());
    Path python = Tools.pythonWith("samtranslator");
    Tools.Result result =
        Tools.run(
            List.of(
                python.toString(),
                script.toString(),
                Tools.root().resolve("template.yaml").toString()));
    assertEquals(0, result.exitCode(), result.output());
    String resources = result.output();
    assertTrue(resources.contains("\"TokenFunctionAliaslive\": \"AWS::Lambda::Alias\""), resources);
    assertTrue(resources.contains("\"TokenTokenRoute\": \"AWS::ApiGatewayV2::Route\""), resources);
    assertTrue(Files.exists(script));
  }
}
