package ai.sentinel.dr.localcloud;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;

/** Test handler: always throws {@link SimulatedOutageException}. */
public class FailingHandler implements RequestStreamHandler {

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) {
    throw new SimulatedOutageException("primary database is down");
  }
}
