package ai.sentinel.dr.localcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LambdaFunctionRefTest {

  @Test
  void plainName() {
    LambdaFunctionRef ref = LambdaFunctionRef.parse("echo");
    assertEquals(new LambdaFunctionRef("echo", null, null, null), ref);
    assertFalse(ref.hasQualifier());
  }

  @Test
  void nameWithQualifier() {
    assertEquals(new LambdaFunctionRef("echo", "live", null, null), LambdaFunctionRef.parse("echo:live"));
  }

  @Test
  void fullArn() {
    assertEquals(new LambdaFunctionRef("sentinel-dr-echo", null, "eu-west-1", "123456789012"),
        LambdaFunctionRef.parse("arn:aws:lambda:eu-west-1:123456789012:function:sentinel-dr-echo"));
  }

  @Test
  void fullArnWithVersionAndAlias() {
    assertEquals(new LambdaFunctionRef("echo", "7", "us-east-1", "123456789012"),
        LambdaFunctionRef.parse("arn:aws:lambda:us-east-1:123456789012:function:echo:7"));
    LambdaFunctionRef alias = LambdaFunctionRef.parse("arn:aws-us-gov:lambda:us-gov-west-1:1:function:echo:$LATEST");
    assertEquals("echo", alias.name());
    assertEquals("$LATEST", alias.qualifier());
    assertTrue(alias.hasQualifier());
  }

  @Test
  void partialArn() {
    assertEquals(new LambdaFunctionRef("echo", null, null, "123456789012"),
        LambdaFunctionRef.parse("123456789012:function:echo"));
    assertEquals(new LambdaFunctionRef("echo", "prod", null, "123456789012"),
        LambdaFunctionRef.parse("123456789012:function:echo:prod"));
  }

  @Test
  void functionNameShortcutAndQualifierOverride() {
    assertEquals("echo", LambdaFunctionRef.functionName("arn:aws:lambda:us-east-1:123456789012:function:echo:1"));
    assertEquals("2", LambdaFunctionRef.parse("echo:1").withQualifier("2").qualifier());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ":x", "echo:", "a:b:c", "arn:aws:sns:us-east-1:123456789012:function:echo",
      "arn:aws:lambda:us-east-1:123456789012:layer:echo", "arn:aws:lambda:us-east-1:123456789012:function:echo:1:2",
      "arn:aws:lambda:us-east-1:123456789012:function:"})
  void rejectsWhatLambdaRejects(String functionName) {
    assertThrows(IllegalArgumentException.class, () -> LambdaFunctionRef.parse(functionName));
  }
}
