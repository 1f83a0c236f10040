// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/provider"
)

// quietUnlessLogging turns the plugin SDK's and the provider's logs off when no TF_LOG*
// variable asks for logs. Otherwise every call's logs are formatted, sent to OpenTofu
// and thrown away there, which costs a large plan much of its CPU (PERFORMANCE.md).
func quietUnlessLogging() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") {
			return
		}
	}
	for _, env := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
		_ = os.Setenv(env, "OFF")
	}
}

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

// memoryLimit is the provider's default soft memory limit. Without it the Go runtime lets
// the heap grow with the garbage of the framework's per-call logging, and OpenTofu runs a
// provider process per provider block, so a farm's configuration runs many. It trades a
// little CPU for a smaller process (PERFORMANCE.md). GOMEMLIMIT overrides it.
const memoryLimit = 32 << 20

func main() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}
	quietUnlessLogging()

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
