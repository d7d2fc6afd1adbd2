package ai.sentinel.dr.bench.naive;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.Event;
import software.amazon.awssdk.services.rds.model.SourceType;

/**
 * The same work as our {@code ai.sentinel.dr.database.Diagnose}: reads the recovery document, DescribeDBInstances,
 * DescribeEvents (60 minutes), GetMetricStatistics (DatabaseConnections), answers the document with a diagnosis.
 */
public class NaiveDiagnose implements RequestStreamHandler {

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode recovery = (ObjectNode) mapper.readTree(input);
    String id = recovery.path("resource").asText();
    RdsClient rds = RdsClient.create();
    CloudWatchClient cloudWatch = CloudWatchClient.create();
    try {
      DBInstance db = rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
      ArrayNode events = mapper.createArrayNode();
      for (Event e : rds.describeEvents(r -> r.sourceIdentifier(id).sourceType(SourceType.DB_INSTANCE).duration(60))
          .events()) {
        events.addObject().put("date", String.valueOf(e.date())).put("message", e.message());
      }
      Instant end = Instant.now();
      Double connections = cloudWatch.getMetricStatistics(r -> r.namespace("AWS/RDS")
              .metricName("DatabaseConnections")
              .dimensions(Dimension.builder().name("DBInstanceIdentifier").value(id).build())
              .startTime(end.minus(1, ChronoUnit.HOURS)).endTime(end).period(300).statistics(Statistic.AVERAGE))
          .datapoints().stream().max(Comparator.comparing(Datapoint::timestamp)).map(Datapoint::average)
          .orElse(null);
      ObjectNode diagnosis = recovery.putObject("database").putObject("diagnosis");
      diagnosis.put("exists", true).put("status", db.dbInstanceStatus()).put("availabilityZone",
          db.availabilityZone()).put("multiAz", Boolean.TRUE.equals(db.multiAZ()));
      diagnosis.set("events", events);
      diagnosis.put("connections", connections);
      recovery.withArray("timeline").addObject().put("time", Instant.now().toString()).put("step", "Diagnose")
          .put("event", "diagnosed").put("detail", id + " is '" + db.dbInstanceStatus() + "'");
      mapper.writeValue(output, recovery);
    } finally {
      rds.close();
      cloudWatch.close();
    }
  }
}
