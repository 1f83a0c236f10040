// SPDX-License-Identifier: MPL-2.0

// Command octoprint-server starts a local OctoPrint with an admin and an API key, or with
// -unclaimed one out of the box (first run, no users, no key), for the demo, and leaves it
// running. It writes the server's URL, key and PID as shell variables to the -env file.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

func main() {
	dir := flag.String("dir", "", "base directory for OctoPrint (created; must be empty or new)")
	port := flag.Int("port", 0, "port on 127.0.0.1 (default: a free one)")
	envFile := flag.String("env", "", "file to write OCTOPRINT_URL, OCTOPRINT_API_KEY and OCTOPRINT_PID to")
	unclaimed := flag.Bool("unclaimed", false, "a server out of the box: first run, no users, no API key")
	flag.Parse()
	if *dir == "" || *envFile == "" {
		log.Fatal("usage: octoprint-server -dir DIR -env FILE [-port N] [-unclaimed]")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		log.Fatal(err)
	}
	srv, err := testserver.Start(context.Background(), testserver.Options{Dir: *dir, Port: *port, Unclaimed: *unclaimed})
	if err != nil {
		log.Fatal(err)
	}
	env := fmt.Sprintf("OCTOPRINT_URL=%s\nOCTOPRINT_API_KEY=%s\nOCTOPRINT_PID=%d\nOCTOPRINT_ADMIN_PASSWORD=%s\n",
		srv.URL, srv.APIKey, srv.PID, srv.AdminPassword)
	if err := os.WriteFile(*envFile, []byte(env), 0o600); err != nil {
		_ = srv.Stop()
		log.Fatal(err)
	}
	fmt.Printf("OctoPrint is running at %s (PID %d)\n", srv.URL, srv.PID)
}
