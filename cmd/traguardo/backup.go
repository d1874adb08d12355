package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"traguardo/internal/db"
)

// backupRestore runs `backup --out FILE` or `restore --in FILE` as the
// schema's owner (MIGRATION_DATABASE_URL, or the private cluster's owner).
// A backup takes the database as it is, whatever its schema version (a
// backup before an upgrade); a restore needs an empty database, which it
// leaves at the backup's schema version (serve migrates it further).
func backupRestore(ctx context.Context, cfg config, log *slog.Logger, cmd, out, in string, stdout io.Writer) error {
	switch {
	case cmd == "backup" && out == "":
		return errors.New("backup needs --out FILE")
	case cmd == "restore" && in == "":
		return errors.New("restore needs --in FILE")
	}
	_, ownerURL, cleanup, err := databaseURLs(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer cleanup()
	if err := db.Wait(ctx, ownerURL, 30*time.Second, nil); err != nil {
		return err
	}
	if cmd == "restore" {
		if err := db.Restore(ctx, ownerURL, in); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Ripristinato il backup %s.\n", in)
		return nil
	}
	if err := db.Backup(ctx, ownerURL, out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backup scritto in %s.\n", out)
	return nil
}
