# syntax=docker/dockerfile:1
#
# The Switchboard gateway. Build from the repository root:
#   docker build -t switchboard-gateway .
#
# Build stage: Maven through the project's wrapper, on JDK 21.
FROM maven:3.9-eclipse-temurin-21 AS build
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
    && ./mvnw -B -q -DskipTests -pl gateway -am package \
    && rm -rf registry/target testing/target gateway/target

# Then the sources. testing/ and examples/chat/ are needed too: -DskipTests still compiles the gateway's tests.
COPY registry/src/ registry/src/
COPY testing/src/ testing/src/
COPY examples/chat/src/ examples/chat/src/
COPY gateway/src/ gateway/src/
RUN ./mvnw -B -DskipTests -pl gateway -am package

# Runtime stage: a JRE only, running as an unprivileged user.
FROM eclipse-temurin:21-jre
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
USER 10001:10001

# 8080: public listener (SSE, invoke, MCP). 8081: the stream listener, when STREAM_PORT=8081 is set
# (SSE and MCP streams on an event loop, invoke and MCP requests). 9090: admin listener (admin API, health, metrics).
# The admin listener binds 127.0.0.1 inside the container unless the operator chooses otherwise:
# in Compose or Kubernetes, publish it by setting ADMIN_HOST=0.0.0.0 together with ADMIN_TOKEN.
# ADMIN_HOST is deliberately not set here.
EXPOSE 8080 8081 9090

# No HEALTHCHECK: Kubernetes ignores it and uses its own probes on the admin listener's health
# endpoints, and Compose users can add one (the base image ships curl) against the admin port.
# JVM options: the shipped ones come from /app/jvm.options (above). To change one, set JDK_JAVA_OPTIONS to
# "@/app/jvm.options <yours>" (a later option wins) or to your own list; JAVA_TOOL_OPTIONS is read first,
# so an option it sets that the file also sets is overridden by the file.
ENTRYPOINT ["java", "-jar", "/app/switchboard-gateway.jar"]
