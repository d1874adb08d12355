# Build a static binary, run it on a small Debian image.
FROM golang:1.27-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /traguardo ./cmd/traguardo

FROM debian:bookworm-slim
RUN useradd --system --home /nonexistent traguardo
COPY --from=build /traguardo /usr/local/bin/traguardo
USER traguardo
EXPOSE 8080
ENTRYPOINT ["traguardo"]
# Serves without demo data; docker-compose.yml adds --demo for a try-out.
CMD ["serve"]
