# storybot's container image: a Go build stage, then a small final stage with
# no shell, run as a non-root user, keeping its database on the /data volume.
#
#   docker build -t storybot .
#   docker build --build-arg VERSION=v1.0.0 -t storybot:v1.0.0 .
#
# The base images are build arguments, so a registry mirror, or bases
# assembled on the machine (scripts/image-test does that), can stand in for
# the public ones. Any final base needs CA certificates and a user 65532.
ARG GO_IMAGE=golang:1.26-bookworm
ARG BASE_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build
WORKDIR /src
# Modules first: this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
ARG TARGETOS
ARG TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/storybot ./cmd/storybot \
    && mkdir -p /out/data

FROM ${BASE_IMAGE}
ARG VERSION=dev
LABEL org.opencontainers.image.title="storybot" \
      org.opencontainers.image.description="A Discord bot that answers questions about a story with quotes it has checked" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/storybot /usr/local/bin/storybot
# An empty /data owned by the runtime user: a new named volume copies it,
# ownership included, so the bot can write its database there.
COPY --from=build --chown=65532:65532 /out/data /data
ENV STORYBOT_DB=/data/storybot.db \
    HEALTH_ADDR=127.0.0.1:8081
USER 65532:65532
WORKDIR /data
VOLUME ["/data"]
# Exec form: the final image has no shell. The endpoint listens on loopback,
# which a health check run inside the container reaches.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["storybot", "health"]
ENTRYPOINT ["storybot"]
CMD ["serve"]
