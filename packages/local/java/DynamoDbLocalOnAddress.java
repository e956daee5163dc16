import java.lang.reflect.Field;
import java.util.Arrays;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local listening on one address: `java -cp <this dir>:DynamoDBLocal.jar DynamoDbLocalOnAddress
 * 127.0.0.1 -port 8000 -inMemory -sharedDb`. DynamoDB Local has no option for it: its Jetty server is
 * built with a port only and so listens on every interface, with credentials anyone may know. The
 * server is built exactly as DynamoDB Local's own main builds it, then its connectors are given the
 * address before it starts.
 *
 * Compiled for Java 17 and committed next to this file by `npm run build:java`, so the runtime needs a
 * JRE only; test/e2e/local-address.test.ts fails when this source changed without a rebuild.
 */
public final class DynamoDbLocalOnAddress {
  private DynamoDbLocalOnAddress() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: DynamoDbLocalOnAddress <address> [DynamoDB Local options]");
      System.exit(2);
    }
    DynamoDBProxyServer proxy =
        ServerRunner.createServerFromCommandLineArgs(Arrays.copyOfRange(args, 1, args.length));
    // A private field: DynamoDB Local exposes no other way in. A new version that renames it fails
    // here, at start, with this field's name in the error, never by quietly listening everywhere.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local's server has no connector");
    for (Connector connector : connectors) ((ServerConnector) connector).setHost(args[0]);
    proxy.start();
  }
}
