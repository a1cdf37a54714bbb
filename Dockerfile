# syntax=docker/dockerfile:1
# The one VoC Loop image: all binaries (voc-ingest, voc-triage, voc-assignment,
# voc-tracking, voc-verification, voc-gateway, voc-notify, voc-identity, voc-entities, the voc CLI, voc-triage-tool and the
# voc-load benchmark client)
# built on Debian 12 with Debian's packaged toolchain and libraries, then copied
# into a runtime stage that holds only the runtime libraries. The chart
# (charts/voc) runs each service from it with `workingDir: /opt/voc`.
#
#   docker build -t voc-loop:0.1.0 .        # or: buildah bud -t voc-loop:0.1.0 .
#
# What was tried on the project's own machine, and why the image is not built
# there: docs/operations.md ("The image"). tests/image/check-dockerfile.py
# (ctest dockerfile_copies_exist) parses this file and checks every COPY source
# exists and every binary copied is a CMake target.

ARG DEBIAN_IMAGE=debian:12-slim

# ---- build: the packaged toolchain, no tests or benchmarks ------------------
FROM ${DEBIAN_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config ccache \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libhiredis-dev libsoci-dev libsqlite3-dev libpq-dev \
      libboost-dev libboost-system-dev \
      libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcurl4-openssl-dev \
      libicu-dev libopencc-dev libhyperscan-dev libsodium-dev libjemalloc-dev \
      npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# CMake compiles through ccache when it is there: bind-mount a cache at /ccache
# to reuse an earlier build (buildah bud -v "$HOME/.cache/ccache:/ccache" ...);
# without a mount the cache is only this stage's and never reaches the runtime.
ENV CCACHE_DIR=/ccache CCACHE_BASEDIR=/src
COPY CMakeLists.txt ./
COPY cmake/ cmake/
COPY proto/ proto/
COPY common/ common/
COPY services/ services/
COPY tools/ tools/
COPY cli/ cli/
COPY config/ config/
ARG VOC_JOBS=2
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DVOC_BUILD_TESTS=OFF -DVOC_BUILD_BENCHMARKS=OFF \
 && cmake --build build -j"${VOC_JOBS}" \
 && mkdir -p /out/bin \
 && install -m 0755 -s \
      build/services/ingest/voc-ingest \
      build/services/triage/voc-triage \
      build/services/assignment/voc-assignment \
      build/services/tracking/voc-tracking \
      build/services/verification/voc-verification \
      build/services/gateway/voc-gateway \
      build/services/notify/voc-notify \
      build/services/identity/voc-identity \
      build/services/entities/voc-entities \
      build/cli/voc \
      build/tools/triage/voc-triage-tool \
      build/tools/load/voc-load \
      /out/bin/ \
 && cp -r build/services/gateway/vendor /out/vendor

# ---- runtime: only the shared libraries the binaries link, and data ---------
FROM ${DEBIAN_IMAGE} AS runtime
# The runtime halves of the -dev packages above (apt adds their own
# dependencies); libopencc-data holds the t2s conversion tables the triage
# normalizer loads, ca-certificates lets the webhook notifier speak HTTPS.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 libre2-9 libc-ares2 \
      libhiredis0.14 libsoci-core4.0 libsoci-sqlite3-4.0 libsoci-postgresql4.0 libsqlite3-0 libpq5 \
      libyaml-cpp0.7 libspdlog1.10 libfmt9 libcurl4 \
      libicu72 libopencc1.1 libopencc-data libhyperscan5 libssl3 libsodium23 libjemalloc2 \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 voc \
 && useradd --uid 10001 --gid voc --no-create-home --home-dir /opt/voc --shell /usr/sbin/nologin voc
COPY --from=build /out/bin/ /usr/local/bin/
WORKDIR /opt/voc
# Relative paths in voc.yaml resolve here: the default rule files and lexicons,
# and the gateway's web page (services.gateway.static_dir).
COPY config/ config/
COPY services/gateway/web/ services/gateway/web/
# The page's libraries, bundled from npm at build time (issue 12:
# services.gateway.vendor_dir, set by the chart).
COPY --from=build /out/vendor/ services/gateway/vendor/
USER 10001:10001
# gRPC services 7101-7108 (7106: voc-notify, 7107: voc-identity, 7108: voc-entities), the gateway 8080, metrics 9100 (chart defaults).
EXPOSE 7101 7102 7103 7104 7105 7106 7107 7108 8080 9100
CMD ["voc-gateway", "--help"]
