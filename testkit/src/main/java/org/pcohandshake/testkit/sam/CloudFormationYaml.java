package org.pcohandshake.testkit.sam;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Loads CloudFormation YAML: short tags become their long JSON form ({@code !Ref x} → {@code
 * {"Ref": x}}, {@code !Sub s} → {@code {"Fn::Sub": s}}, {@code !GetAtt a.b} → {@code {"Fn::GetAtt":
 * [a, b]}}), timestamps stay strings, duplicate keys are rejected, and the result is deeply
 * unmodifiable with string keys.
 */
final class CloudFormationYaml {

  /** Short tags whose long form is the bare name; every other short tag is {@code Fn::Name}. */
  private static final List<String> BARE = List.of("Ref", "Condition");

  private CloudFormationYaml() {}

  /**
   * Parses one YAML document.
   *
   * @throws IllegalArgumentException naming {@code source} when the text is not valid YAML
   */
  static Object load(String yaml, String source) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    try {
      return freeze(new Yaml(new Constructor(options)).load(yaml));
    } catch (YAMLException e) {
      throw new IllegalArgumentException(
          source
              + " is not a YAML document this loader understands (CloudFormation short tags are"
              + " supported): "
              + e.getMessage(),
          e);
    }
  }

  /** Deep copy into unmodifiable, order-keeping maps with string keys and unmodifiable lists. */
  static Object freeze(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), freeze(v)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(v -> copy.add(freeze(v)));
      return Collections.unmodifiableList(copy);
    }
    return value;
  }

  private static final class Constructor extends SafeConstructor {
    Constructor(LoaderOptions options) {
      super(options);
      // Every short tag: which of them the testkit evaluates is SamTemplate's check, which says
      // where an unsupported one is.
      yamlMultiConstructors.put("!", new Intrinsic());
      // "2010-09-09" unquoted must stay a string, as CloudFormation reads it.
      yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
    }

    /** One short tag, in scalar, sequence or mapping form. */
    private final class Intrinsic extends AbstractConstruct {

      @Override
      public Object construct(Node node) {
        String name = node.getTag().getValue().substring(1);
        String key = BARE.contains(name) ? name : "Fn::" + name;
        Object value =
            switch (node) {
              case ScalarNode scalar -> getAtt(key, constructScalar(scalar));
              case SequenceNode sequence -> constructSequence(sequence);
              case MappingNode mapping -> constructMapping(mapping);
              default ->
                  throw new YAMLException(
                      "tag " + node.getTag() + " on an unexpected node " + node.getNodeId());
            };
        Map<String, Object> intrinsic = new LinkedHashMap<>();
        intrinsic.put(key, value);
        return intrinsic;
      }

      /** {@code !GetAtt Resource.Attribute.Path} splits on the first dot only. */
      private static Object getAtt(String key, String scalar) {
        if (!key.equals("Fn::GetAtt")) {
          return scalar;
        }
        int dot = scalar.indexOf('.');
        if (dot <= 0 || dot == scalar.length() - 1) {
          throw new YAMLException("!GetAtt " + scalar + " is not of the form LogicalId.Attribute");
        }
        return new ArrayList<>(List.of(scalar.substring(0, dot), scalar.substring(dot + 1)));
      }
    }
  }
}
