# Ersatzraum in a container: one static binary on distroless, as non-root.
# Untested on the development machine (no docker there); see docs/admin.md.
#
#   docker build -t ersatzraum .
#   docker run -d --name ersatzraum -p 443:8443 -p 80:8080 -p 3478:3478/udp -p 3478:3478/tcp \
#     -v ersatzraum-data:/data ersatzraum \
#     serve --data /data --addr :8443 --http-addr :8080 --domain ersatzraum.schule.example \
#           --public-url https://ersatzraum.schule.example
#
# Settings can also come from ERSATZRAUM_* environment variables (-e).

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# make build: the wasm app first, then the server with everything embedded.
RUN make build && mkdir -p /out/data && cp bin/ersatzraum /out/ersatzraum

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ersatzraum /ersatzraum
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
# Due dates on the board page the server draws before the app runs are
# in the server's time zone (the app then shows the browser's).
ENV TZ=Europe/Berlin
VOLUME /data
# 8080: HTTP (behind a proxy, or the redirect with --domain); 8443: HTTPS;
# 3478: TURN (UDP and TCP), plus the relay range if the embedded TURN runs.
EXPOSE 8080 8443 3478/udp 3478/tcp
ENTRYPOINT ["/ersatzraum"]
CMD ["serve", "--addr", ":8080", "--data", "/data"]
