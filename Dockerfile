# Build a static binary, run it on a small Debian image.
FROM golang:1.27-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /traguardo ./cmd/traguardo

FROM debian:bookworm-slim
# The programs the application runs (`traguardo doctor` lists them):
# Chromium prints the Relazione's PDF (the Nucleo's validation freezes it)
# and draws the chart of DOCX/ODT; pandoc writes DOCX and ODT; the PDF's
# text is in DejaVu Sans; pg_dump and pg_restore (backup, restore) must be
# of the server's major version, PostgreSQL 15 in docker-compose.yml.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      chromium-headless-shell pandoc fonts-dejavu-core postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home /nonexistent traguardo
COPY --from=build /traguardo /usr/local/bin/traguardo
# A build that lacks one of them fails here. DATABASE_URL is set as
# docker-compose.yml sets it (no private cluster; the server is not
# reached at build time, its major version is given).
RUN DATABASE_URL=postgres://db/traguardo traguardo doctor --pg-major 15
USER traguardo
EXPOSE 8080
ENTRYPOINT ["traguardo"]
# Serves without demo data; docker-compose.yml adds --demo for a try-out.
CMD ["serve"]
