package ai.sentinel.dr.bench.naive;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The charter's reference point, "a first RDS + Step Functions call": DescribeDBInstances and ListStateMachines, both
 * clients built per call with every default.
 */
public class NaiveRdsSfn implements RequestStreamHandler {

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode event = mapper.readTree(input);
    String id = event.path("resource").asText("sentinel-db");
    RdsClient rds = RdsClient.create();
    SfnClient sfn = SfnClient.create();
    try {
      DBInstance db = rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
      int machines = sfn.listStateMachines(r -> r.maxResults(100)).stateMachines().size();
      ObjectNode result = mapper.createObjectNode();
      result.put("resource", id).put("status", db.dbInstanceStatus()).put("stateMachines", machines);
      mapper.writeValue(output, result);
    } finally {
      rds.close();
      sfn.close();
    }
  }
}
