package dev.switchboard.gateway.invoke.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to a function with a self-signed certificate (made by the JDK's keytool for {@code localhost}): trusted
 * only when the trust store holds it, and only under the host name it names.
 */
class Http1TlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static HttpsServer server;
    private static SSLContext trusting;
    private static final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        File keys = dir.resolve("function.p12").toFile();
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "fn",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keys.getPath(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keys)) {
            keyStore.load(in, PASSWORD);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, PASSWORD);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keyManagers.getKeyManagers(), null, null);

        // the gateway's trust: a trust store holding the function's certificate (javax.net.ssl.trustStore)
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("fn", keyStore.getCertificate("fn"));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trustStore);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, trustManagers.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            byte[] answer = "secure".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static Http1Client client(SSLContext tls) {
        return new Http1Client(
                host -> InetAddress.getLoopbackAddress(),
                tls.getSocketFactory(),
                new Http1Client.Limits(Duration.ofSeconds(5), 4, Duration.ofSeconds(30)));
    }

    private static Http1Request get(String host) {
        URI uri = URI.create("https://" + host + ":" + server.getAddress().getPort() + "/fn");
        return new Http1Request("GET", uri, new RequestHeaders(), null, Duration.ofSeconds(5));
    }

    private static String text(Http1Client client, Http1Request request) throws IOException {
        try (Http1Response response = client.send(request)) {
            assertThat(response.status()).isEqualTo(200);
            return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aTrustedCertificateForTheHostNameIsAcceptedAndItsConnectionKeptAlive() throws IOException {
        clientPorts.clear();
        try (Http1Client client = client(trusting)) {
            assertThat(text(client, get("localhost"))).isEqualTo("secure");
            assertThat(text(client, get("localhost"))).isEqualTo("secure");
            assertThat(client.idleConnections()).isEqualTo(1);
        }
        assertThat(clientPorts).as("one connection, kept alive").hasSize(1);
    }

    @Test
    void aCertificateTheTrustStoreDoesNotHoldIsRefused() throws Exception {
        try (Http1Client client = client(SSLContext.getDefault())) {
            assertThatThrownBy(() -> client.send(get("localhost"))).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() {
        try (Http1Client client = client(trusting)) {
            assertThatThrownBy(() -> client.send(get("127.0.0.1")))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("127.0.0.1");
        }
    }
}
