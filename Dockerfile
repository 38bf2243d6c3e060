# syntax=docker/dockerfile:1
#
# The Switchboard gateway. Build from the repository root:
#   docker build -t switchboard-gateway .
#
# Build stage: Maven through the project's wrapper, on JDK 25 (the code targets Java 21; the image runs on the
# JDK the tests and benchmarks run on).
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src

# The wrapper and every pom first (the reactor needs all module poms even for -pl). A build of
# the poms alone downloads Maven, the plugins and the dependencies into this layer, so that a
# change to sources alone does not download them again.
COPY mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
COPY registry/pom.xml registry/
COPY testing/pom.xml testing/
COPY gateway/pom.xml gateway/
COPY operator/pom.xml operator/
COPY examples/echo-function/pom.xml examples/echo-function/
COPY examples/mcp-function/pom.xml examples/mcp-function/
COPY examples/chat/pom.xml examples/chat/
COPY bench/pom.xml bench/
RUN chmod +x mvnw \
    && ./mvnw -B -q -DskipTests -pl gateway,examples/echo-function -am package \
    && rm -rf registry/target testing/target gateway/target examples/echo-function/target

# Then the sources. testing/ and examples/chat/ are needed too: -DskipTests still compiles the gateway's tests.
COPY registry/src/ registry/src/
COPY testing/src/ testing/src/
COPY examples/chat/src/ examples/chat/src/
COPY gateway/src/ gateway/src/
# The echo function is built for the AOT training below only; it is not part of the image.
COPY examples/echo-function/src/ examples/echo-function/src/
RUN ./mvnw -B -DskipTests -pl gateway,examples/echo-function -am package

# Runtime stage: a JRE only, running as an unprivileged user.
FROM eclipse-temurin:25-jre AS runtime
# A numeric UID so that Kubernetes' runAsNonRoot can verify it.
RUN groupadd --system --gid 10001 switchboard \
    && useradd --system --uid 10001 --gid switchboard --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin switchboard
WORKDIR /app
# The jar's manifest Class-Path names libs/… relative to the jar. Files stay owned by root:
# the gateway reads them and has no business changing them.
COPY --from=build /src/gateway/target/libs/ /app/libs/
COPY --from=build /src/gateway/target/switchboard-gateway.jar /app/switchboard-gateway.jar
# The JVM settings the gateway is measured and shipped with, defined once in gateway/jvm.options (the
# operator and bench/ read the same file): the java launcher reads them from JDK_JAVA_OPTIONS as an @-file.
COPY gateway/jvm.options /app/jvm.options
ENV JDK_JAVA_OPTIONS="@/app/jvm.options"

# AOT training: this runtime's JVM, jars and options run the gateway's common paths (gateway/aot-training.sh)
# and record what it loaded and how its methods ran. The cache is only valid for that JDK build, those jars and
# that collector, so it is trained here, on this stage, and copied into the image below; the echo function,
# the script and curl (which drives it: the JRE image has no HTTP client) stay behind.
FROM runtime AS aot-training
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/examples/echo-function/target/echo-function.jar /tmp/echo-function.jar
COPY gateway/aot-training.sh /tmp/aot-training.sh
RUN sh /tmp/aot-training.sh /app/switchboard-gateway.jar /tmp/echo-function.jar /app/switchboard.aot

FROM runtime
COPY --from=aot-training /app/switchboard.aot /app/switchboard.aot
USER 10001:10001

# 8080: public listener (SSE, invoke, MCP, publish). 8081: the same listener's second port, when STREAM_PORT=8081
# is set. 9090: admin listener (admin API, health, metrics).
# The admin listener binds 127.0.0.1 inside the container unless the operator chooses otherwise:
# in Compose or Kubernetes, publish it by setting ADMIN_HOST=0.0.0.0 together with ADMIN_TOKEN.
# ADMIN_HOST is deliberately not set here.
EXPOSE 8080 8081 9090

# No HEALTHCHECK: Kubernetes ignores it and uses its own probes on the admin listener's health
# endpoints, and Compose users can add one against the admin port (the JRE base image has no HTTP client:
# add one in an image of your own).
# Give the container a memory limit (docker run --memory=1g): the heap is sized from it (75%), and without one from
# the host's memory, which a steady load of large requests fills before the heap is collected (docs/operations.md).
# JVM options: the shipped ones come from /app/jvm.options (above). To change one, set JDK_JAVA_OPTIONS to
# "@/app/jvm.options <yours>" (a later option wins) or to your own list; JAVA_TOOL_OPTIONS is read first,
# so an option it sets that the file also sets is overridden by the file.
# -XX:AOTCache: ready in about half the time, at speed sooner (bench/notes.md, "An AOT cache in the image"). It
# is on the command line rather than in JDK_JAVA_OPTIONS, so that replacing those options (the operator does)
# keeps it; a JVM that cannot use the cache (other options, another collector) says so and runs without it.
ENTRYPOINT ["java", "-XX:AOTCache=/app/switchboard.aot", "-jar", "/app/switchboard-gateway.jar"]
