# capif-conformance as a container image: a matrix cell or a load shard as a Kubernetes
# Indexed Job (examples/kubernetes/), a CI service, anywhere a container runs. The image holds
# the release binary and /bin/sh (adapter commands are shell commands: README "Testing your
# own API invoker"); an invoker SDK under test and its adapter go into an image built FROM
# this one.
#
#   cargo build --release --locked
#   mkdir -p target/image && cp target/release/capif-conformance target/image/
#   docker build -t capif-conformance -f Dockerfile target/image
#   docker run --rm -v "$PWD/reports:/work/reports" capif-conformance      # the embedded run
#
# The binary links glibc dynamically: build it on a system no newer than the base (Debian 12
# here). Without a registry, pass a base imported locally: --build-arg BASE=<image>
# (tests/selftest/engines.rs builds one with `docker import`).
ARG BASE=debian:bookworm-slim
FROM ${BASE}
COPY capif-conformance /usr/local/bin/capif-conformance
# Reports go under /work (mount a volume there); a run never needs to write elsewhere but /tmp.
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/capif-conformance"]
CMD ["run", "--out", "/work/reports"]
