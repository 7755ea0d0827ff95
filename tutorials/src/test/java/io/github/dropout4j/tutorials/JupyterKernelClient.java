package io.github.dropout4j.tutorials;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A minimal Jupyter client (messaging protocol 5.x over ZeroMQ, HMAC-SHA256 signed) driving a kernel process
 * started exactly as Jupyter starts it: {@code java -jar <kernel jar> <connection file>}, working directory the
 * notebook's folder. Used to execute notebooks cell by cell in the rapaio kernel without Python.
 */
final class JupyterKernelClient implements AutoCloseable {

    private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.UTF_8);
    private static final Gson GSON = new Gson();

    /** One IOPub message of an execution: its type and content. */
    record Output(String type, JsonObject content) {}

    /** Everything an execute request produced: the reply's status and the IOPub outputs in order. */
    record Execution(String status, List<Output> outputs) {}

    private final Process process;
    private final Path log;
    private final ZContext zmq = new ZContext();
    /** Time between "the kernel listens on all ports" and the first request. */
    static final Duration GRACE = Duration.ofSeconds(2);
    /** How long a started kernel may take to answer kernel_info. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private ZMQ.Socket shell;
    private ZMQ.Socket iopub;
    private final Mac mac;
    private final String session = UUID.randomUUID().toString();

    /**
     * Starts the kernel in {@code workDir} and waits until it answers on both the shell and the IOPub channel.
     * Use {@link #start}.
     *
     * @param kernelJar the rapaio-jupyter-kernel jar
     * @param env       extra environment variables of the kernel process
     */
    private JupyterKernelClient(Path kernelJar, Path workDir, Map<String, String> env, Duration startTimeout)
            throws IOException, InterruptedException {
        String key = UUID.randomUUID().toString();
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        int[] ports = freePorts(5);
        Map<String, Object> connection = new LinkedHashMap<>();
        connection.put("control_port", ports[0]);
        connection.put("shell_port", ports[1]);
        connection.put("transport", "tcp");
        connection.put("signature_scheme", "hmac-sha256");
        connection.put("stdin_port", ports[2]);
        connection.put("hb_port", ports[3]);
        connection.put("ip", "127.0.0.1");
        connection.put("iopub_port", ports[4]);
        connection.put("key", key);
        Path connectionFile = Files.createTempFile("kernel-", ".json");
        connectionFile.toFile().deleteOnExit();
        Files.writeString(connectionFile, GSON.toJson(connection));
        log = Files.createTempFile("kernel-", ".log");
        log.toFile().deleteOnExit();

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-jar", kernelJar.toString(), connectionFile.toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        process = pb.start();

        // rapaio-jupyter-kernel 3.0.1 binds its shell socket before it registers its message handlers; a request
        // arriving in between kills its shell thread. So: wait until all five ports listen, then a grace period.
        Instant deadline = Instant.now().plus(startTimeout);
        for (int port : ports) {
            while (!listening(port)) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    close();
                    throw new IllegalStateException("the kernel did not listen on port " + port + " within "
                            + startTimeout + (process.isAlive() ? "" : " (it exited)") + ": " + log());
                }
                Thread.sleep(200);
            }
        }
        Thread.sleep(GRACE.toMillis());
        shell = zmq.createSocket(SocketType.DEALER);
        shell.setIdentity(session.getBytes(StandardCharsets.UTF_8));
        shell.connect("tcp://127.0.0.1:" + ports[1]);
        iopub = zmq.createSocket(SocketType.SUB);
        iopub.subscribe(new byte[0]);
        iopub.connect("tcp://127.0.0.1:" + ports[4]);

        // Like Jupyter's clients: ask for kernel_info until the reply comes and IOPub is seen to deliver.
        Instant answerDeadline = Instant.now().plus(ANSWER_TIMEOUT);
        while (true) {
            if (!process.isAlive() || Instant.now().isAfter(answerDeadline)) {
                close();
                throw new NoAnswerException("the kernel did not answer kernel_info within " + ANSWER_TIMEOUT
                        + (process.isAlive() ? "" : " (it exited)") + ": " + log());
            }
            String id = send("kernel_info_request", new JsonObject());
            if (receiveUntilIdle(id, Duration.ofSeconds(2)) != null) {
                drainShell(Duration.ofSeconds(1));
                return;
            }
        }
    }

    /** The kernel started but never answered (see {@link #start}). */
    static final class NoAnswerException extends IllegalStateException {
        NoAnswerException(String message) {
            super(message);
        }
    }

    /**
     * Starts the kernel, starting it again (up to 3 times in all) if it never answers kernel_info: the start-up
     * race of rapaio-jupyter-kernel 3.0.1 described in the constructor can still strike on a loaded machine.
     */
    static JupyterKernelClient start(Path kernelJar, Path workDir, Map<String, String> env, Duration startTimeout)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return new JupyterKernelClient(kernelJar, workDir, env, startTimeout);
            } catch (NoAnswerException e) {
                if (attempt == 3) {
                    throw e;
                }
                System.err.println("kernel start " + attempt + ": no answer to kernel_info; starting it again");
            }
        }
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The kernel's own output (stdout and stderr of its process), for failure messages. */
    String log() {
        try {
            String s = Files.readString(log);
            return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(no kernel log: " + e.getMessage() + ")";
        }
    }

    /**
     * Executes {@code code} as a notebook cell and returns when the kernel is idle again.
     *
     * @throws IllegalStateException if the kernel does not finish within {@code timeout} or dies
     */
    Execution execute(String code, Duration timeout) {
        JsonObject content = new JsonObject();
        content.addProperty("code", code);
        content.addProperty("silent", false);
        content.addProperty("store_history", true);
        content.add("user_expressions", new JsonObject());
        content.addProperty("allow_stdin", false);
        content.addProperty("stop_on_error", true);
        String id = send("execute_request", content);
        List<Output> outputs = receiveUntilIdle(id, timeout);
        if (outputs == null) {
            throw new IllegalStateException(
                    (process.isAlive() ? "no answer within " + timeout : "the kernel died") + "; kernel log: " + log());
        }
        String status = "unknown";
        ZMQ.Poller poller = zmq.createPoller(1);
        poller.register(shell, ZMQ.Poller.POLLIN);
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline) && poller.poll(200) > 0) {
            JsonObject[] m = read(shell);
            if (m != null && id.equals(m[1].has("msg_id") ? m[1].get("msg_id").getAsString() : null)) {
                status = m[3].get("status").getAsString();
                break;
            }
        }
        poller.close();
        return new Execution(status, outputs);
    }

    private String send(String type, JsonObject content) {
        String id = UUID.randomUUID().toString();
        JsonObject header = new JsonObject();
        header.addProperty("msg_id", id);
        header.addProperty("username", "dropout4j-test");
        header.addProperty("session", session);
        header.addProperty("date", Instant.now().toString());
        header.addProperty("msg_type", type);
        header.addProperty("version", "5.3");
        byte[][] parts = {bytes(header.toString()), bytes("{}"), bytes("{}"), bytes(content.toString())};
        shell.sendMore(DELIMITER);
        shell.sendMore(sign(parts));
        shell.sendMore(parts[0]);
        shell.sendMore(parts[1]);
        shell.sendMore(parts[2]);
        shell.send(parts[3]);
        return id;
    }

    /** IOPub messages whose parent is {@code parentId}, up to its "idle" status; null on timeout. */
    private List<Output> receiveUntilIdle(String parentId, Duration timeout) {
        List<Output> outputs = new ArrayList<>();
        ZMQ.Poller poller = zmq.createPoller(1);
        poller.register(iopub, ZMQ.Poller.POLLIN);
        try {
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                if (poller.poll(200) <= 0) {
                    if (!process.isAlive()) {
                        return null;
                    }
                    continue;
                }
                JsonObject[] m = read(iopub);
                if (m == null
                        || !m[1].has("msg_id")
                        || !parentId.equals(m[1].get("msg_id").getAsString())) {
                    continue;
                }
                String type = m[0].get("msg_type").getAsString();
                if (type.equals("status")) {
                    if ("idle".equals(m[3].get("execution_state").getAsString())) {
                        return outputs;
                    }
                } else if (!type.equals("execute_input")) {
                    outputs.add(new Output(type, m[3]));
                }
            }
            return null;
        } finally {
            poller.close();
        }
    }

    private void drainShell(Duration wait) {
        ZMQ.Poller poller = zmq.createPoller(1);
        poller.register(shell, ZMQ.Poller.POLLIN);
        while (poller.poll(wait.toMillis()) > 0) {
            read(shell);
        }
        poller.close();
    }

    /** Reads one message: header, parent header, metadata, content; null if its signature is wrong. */
    private JsonObject[] read(ZMQ.Socket socket) {
        byte[] frame;
        do {
            frame = socket.recv();
        } while (!java.util.Arrays.equals(frame, DELIMITER));
        byte[] signature = socket.recv();
        byte[][] parts = new byte[4][];
        for (int i = 0; i < 4; i++) {
            parts[i] = socket.recv();
        }
        while (socket.hasReceiveMore()) {
            socket.recv(); // binary buffers: not used by this kernel
        }
        if (!java.util.Arrays.equals(signature, sign(parts))) {
            throw new IllegalStateException("bad HMAC signature on a kernel message");
        }
        JsonObject[] m = new JsonObject[4];
        for (int i = 0; i < 4; i++) {
            String json = new String(parts[i], StandardCharsets.UTF_8);
            m[i] = json.isBlank() || json.equals("null")
                    ? new JsonObject()
                    : JsonParser.parseString(json).getAsJsonObject();
        }
        return m;
    }

    private byte[] sign(byte[][] parts) {
        synchronized (mac) {
            for (byte[] p : parts) {
                mac.update(p);
            }
            return bytes(HexFormat.of().formatHex(mac.doFinal()));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        zmq.close();
    }
}
