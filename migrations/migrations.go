// Package migrations embeds the numbered SQL migrations of the schema.
package migrations

import "embed"

// FS holds the golang-migrate pairs NNNNNN_name.up.sql / .down.sql.
//
//go:embed *.sql
var FS embed.FS
