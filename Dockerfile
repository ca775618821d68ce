# gocache container image.
#
#   docker build -t gocache .
#   docker run -d --name gocache -p 127.0.0.1:6379:6379 -v gocache-data:/data gocache
#   redis-cli -p 6379 PING
#
# Arguments pass through to the server, after the bundled config file or
# instead of it:
#   docker run gocache --appendonly yes
#   docker run gocache /etc/gocache.conf --appendonly yes --requirepass s3cret
#   docker run -v "$PWD/my.conf:/etc/my.conf:ro" gocache /etc/my.conf
#
# The bundled /etc/gocache.conf (final/docker/gocache.conf) binds 0.0.0.0
# and :: and turns protected mode off, as the official Redis image does, so
# that a published port works. Publish on 127.0.0.1 (as above) or set a
# password (--requirepass) before exposing it wider. The health check asks
# port 6379: keep the server there inside the container and map the host
# port with -p instead.
#
# Base images are pinned to a Go minor release and a Debian release; pin them
# by digest (name:tag@sha256:...) for byte-for-byte reproducible builds.

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first: this layer is reused until go.mod or go.sum changes.
COPY go.mod go.sum ./
RUN go mod download
COPY chapters/ chapters/
COPY final/ final/
COPY client/ client/
# The one build command, shared with the tests: see final/docker/build-static.sh.
RUN sh final/docker/build-static.sh /out

FROM debian:bookworm-slim
COPY final/docker/entrypoint.sh /usr/local/bin/docker-entrypoint.sh
COPY final/docker/gocache.conf /etc/gocache.conf
# A fixed uid/gid (999, as the official Redis image uses) so that files in a
# bind-mounted /data have a predictable owner. The modes are set here because
# a checkout (on Windows, say) may not keep the executable bit.
RUN groupadd --system --gid 999 gocache \
 && useradd --system --uid 999 --gid gocache --home-dir /data --no-create-home gocache \
 && mkdir /data \
 && chown gocache:gocache /data \
 && chmod 755 /usr/local/bin/docker-entrypoint.sh \
 && chmod 644 /etc/gocache.conf
COPY --from=build /out/gocache-server /out/gocache-cli /usr/local/bin/

# Append-only files live in /data/appendonlydir; a named volume keeps them.
VOLUME /data
WORKDIR /data
USER gocache:gocache
EXPOSE 6379

HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["gocache-cli", "-p", "6379", "PING"]

ENTRYPOINT ["docker-entrypoint.sh"]
CMD []
