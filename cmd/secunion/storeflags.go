package main

import (
	"context"
	"flag"
	"log/slog"

	"secunion"
	"secunion/store"
)

// storeFlags are the flags that choose a database: --data (SQLite in a data
// folder) or --postgres (a DSN), with --keys for the audit keys of a
// PostgreSQL deployment. Each defaults to its environment variable.
type storeFlags struct {
	data, postgres, keys string
}

func (f *storeFlags) register(fs *flag.FlagSet, e env, defaultData string) {
	data := e.getenv("SECUNION_DATA")
	if data == "" {
		data = defaultData
	}
	fs.StringVar(&f.data, "data", data, "data folder for the embedded SQLite store (env SECUNION_DATA)")
	fs.StringVar(&f.postgres, "postgres", e.getenv("SECUNION_POSTGRES"), "PostgreSQL connection string, instead of --data (env SECUNION_POSTGRES)")
	keys := e.getenv("SECUNION_KEYS")
	fs.StringVar(&f.keys, "keys", keys, "folder of the audit keys (env SECUNION_KEYS; default: the data folder, or ./secunion-keys with --postgres)")
}

func (f *storeFlags) keyDir() string {
	switch {
	case f.keys != "":
		return f.keys
	case f.postgres != "":
		return "secunion-keys"
	}
	return f.data
}

// open opens the chosen store with its keys. With inspect it opens it for
// reading and verification only and loads only the public key.
func (f *storeFlags) open(ctx context.Context, log *slog.Logger, inspect bool) (*store.DB, *store.Keys, error) {
	if f.postgres == "" && f.data == "" {
		return nil, nil, secunion.Errorf(secunion.Invalid, "give --data DIR or --postgres DSN")
	}
	var keys *store.Keys
	var err error
	if inspect {
		keys, err = store.LoadVerifier(f.keyDir())
	} else {
		keys, err = store.LoadKeys(f.keyDir())
	}
	if err != nil {
		return nil, nil, err
	}
	opts := store.Options{Keys: keys, Logger: log, Inspect: inspect}
	var db *store.DB
	if f.postgres != "" {
		db, err = store.OpenPostgres(ctx, f.postgres, opts)
	} else {
		db, err = store.OpenSQLite(ctx, f.data, opts)
	}
	return db, keys, err
}
