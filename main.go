package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/provider"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

// memoryLimit is the provider's default soft memory limit. Without it the Go runtime lets
// the heap grow with the garbage of the framework's per-call logging: a no-op plan of 300
// users peaked at 66 MiB resident, and at 46 MiB with the limit, for 0.2 s more. OpenTofu
// runs a provider process per provider block, so a farm's configuration runs many.
// GOMEMLIMIT overrides it.
const memoryLimit = 32 << 20

func main() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}

	var debugger bool
	flag.BoolVar(&debugger, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/octoprint-terraform/octoprint",
		Debug:   debugger,
	})
	if err != nil {
		log.Fatal(err)
	}
}
