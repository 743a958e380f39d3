# syntax=docker/dockerfile:1
# Tattle: a long-running notifier for Tencent Cloud TAT command executions.
#
#   docker build -t tattle .
#   docker run -d --name tattle \
#     -e TENCENTCLOUD_SECRET_ID -e TENCENTCLOUD_SECRET_KEY -e TENCENTCLOUD_REGION=ap-guangzhou \
#     -e WECOM_OPS_KEY \
#     -v "$PWD/rules.json:/etc/tattle/rules.json:ro" -v tattle-state:/var/lib/tattle \
#     -p 9464:9464 tattle

# ---- build: the Swift toolchain, release mode, static Swift standard library -------------------
FROM swift:6.3.1-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4-openssl-dev libsqlite3-dev libre2-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies in a layer of their own: the manifest (and Package.resolved when the context has one)
# first, resolved and fetched, so a source edit reuses this layer instead of fetching again.
COPY Package.* ./
RUN swift package resolve $([ -f Package.resolved ] && echo --force-resolved-versions || true)
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product tattle --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/tattle" /out/tattle

# ---- run: slim Debian with only what the binary links ------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4 libsqlite3-0 libre2-9 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/tattle --shell /usr/sbin/nologin tattle \
 && install -d -o tattle -g tattle -m 0700 /var/lib/tattle \
 && install -d -m 0755 /etc/tattle
COPY --from=build /out/tattle /usr/local/bin/tattle
COPY rules.example.json /etc/tattle/rules.example.json

USER tattle
VOLUME ["/var/lib/tattle"]
ENV TATTLE_STATE_DIR=/var/lib/tattle \
    TATTLE_RULES=/etc/tattle/rules.json \
    TATTLE_LISTEN=0.0.0.0:9464 \
    TATTLE_LOG_FORMAT=json
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["tattle", "probe", "http://127.0.0.1:9464/healthz"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["tattle", "run"]
