// SPDX-License-Identifier: MPL-2.0

// Command bench measures the provider against a local OctoPrint at farm scale: OpenTofu's
// apply, no-op plan, update of 10 % and destroy of N users, the HTTP requests each phase
// makes (counted by a proxy in front of OctoPrint), the provider's peak memory, and the
// same work done by the simplest sequential HTTP loop (the floor), in the same run.
//
//	go run ./internal/bench -sizes 10,100,500
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

func main() {
	sizes := flag.String("sizes", "10,100,500", "numbers of users, comma-separated")
	tofu := flag.String("tofu", os.Getenv("TF_ACC_TERRAFORM_PATH"), "OpenTofu binary")
	flag.Parse()
	if *tofu == "" {
		log.Fatal("set -tofu or TF_ACC_TERRAFORM_PATH to the OpenTofu binary")
	}
	work, err := os.MkdirTemp("", "octoprint-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer func() {
		if err := os.RemoveAll(work); err != nil {
			log.Print(err)
		}
	}()
	bin := filepath.Join(work, "bin")
	if out, err := exec.CommandContext(context.Background(), "go", "build", "-o", filepath.Join(bin, "terraform-provider-octoprint"), ".").CombinedOutput(); err != nil {
		log.Fatalf("building the provider: %v\n%s", err, out)
	}

	fmt.Println("| users | phase | provider (s) | requests | floor (s) | floor requests | provider/floor | provider peak RSS (MiB) |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|---:|")
	for _, field := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 10 {
			log.Fatalf("bad size %q: sizes are whole numbers of at least 10", field)
		}
		for _, row := range measure(n, *tofu, bin, filepath.Join(work, strconv.Itoa(n))) {
			fmt.Println(row)
		}
	}

	fmt.Println()
	fmt.Println("Where the time goes (CPU seconds; the machine has", runtime.NumCPU(), "cores):")
	fmt.Println()
	fmt.Println("| users | phase | provider wall (s) | OctoPrint CPU | OpenTofu CPU | provider CPU | OctoPrint CPU in the floor |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|")
	for _, row := range cpuRows {
		fmt.Println(row)
	}
	fmt.Println()
	fmt.Println(passwordHashing())
}

// passwordHashing measures OctoPrint's password hashing alone, in its own Python.
func passwordHashing() string {
	python := filepath.Join(filepath.Dir(os.Getenv(testserver.EnvBinary)), "python")
	script := `import time
from octoprint.access.users import FilebasedUserManager as M
m = M.__new__(M)
start = time.perf_counter()
for _ in range(20):
    m.create_password_hash("bench-password")
print("%.1f" % ((time.perf_counter() - start) / 20 * 1000))`
	out, err := exec.CommandContext(context.Background(), python, "-c", script).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("OctoPrint's password hashing could not be timed: %v: %s", err, out)
	}
	return fmt.Sprintf("OctoPrint hashes one password in %s ms (mean of 20, measured in its own Python).", strings.TrimSpace(string(out)))
}

// phase is one measured step of the provider or of the floor.
type phase struct {
	seconds  float64
	requests int
	rssMiB   float64
	// CPU seconds of OctoPrint, of OpenTofu itself and of the provider's processes.
	octoprintCPU, tofuCPU, providerCPU float64
}

func measure(n int, tofu, bin, dir string) []string {
	srv, err := testserver.Start(context.Background(), testserver.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			log.Printf("stopping OctoPrint: %v", err)
		}
	}()
	proxy, err := testserver.StartProxy(srv.URL, testserver.ProxyOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer proxy.Close()

	withServerCPU := func(measure func() phase) phase {
		before := processCPU(srv.PID)
		p := measure()
		p.octoprintCPU = processCPU(srv.PID) - before
		return p
	}
	floorPhase := func(count int, method string) phase {
		return withServerCPU(func() phase { return floorLoop(proxy, srv.APIKey, count, method) })
	}
	floor := map[string]phase{
		"apply (create)": floorPhase(n, "POST"),
		"no-op plan":     floorPhase(n, "GET"),
		"update 10 %":    floorPhase(n/10, "PUT"),
		"destroy":        floorPhase(n, "DELETE"),
	}

	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Fatal(err)
	}
	writeConfig(dir, bin, n)
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "tofurc"), "TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1", "OCTOPRINT_URL="+proxy.URL, "OCTOPRINT_API_KEY="+srv.APIKey)
	run := func(args ...string) phase {
		return withServerCPU(func() phase {
			return runTofu(proxy, tofu, dir, env, filepath.Join(bin, "terraform-provider-octoprint"), args...)
		})
	}
	provider := map[string]phase{
		"apply (create)": run("apply", "-auto-approve", "-input=false"),
		"no-op plan":     run("plan", "-detailed-exitcode", "-input=false"),
		"update 10 %":    run("apply", "-auto-approve", "-input=false", "-var", fmt.Sprintf("readonly=%d", n/10)),
		"destroy":        run("destroy", "-auto-approve", "-input=false", "-var", fmt.Sprintf("readonly=%d", n/10)),
	}

	var rows []string
	for _, name := range phases {
		p, f := provider[name], floor[name]
		rows = append(rows, fmt.Sprintf("| %d | %s | %.2f | %d | %.2f | %d | %.2f | %.1f |",
			n, name, p.seconds, p.requests, f.seconds, f.requests, p.seconds/f.seconds, p.rssMiB))
		cpuRows = append(cpuRows, fmt.Sprintf("| %d | %s | %.2f | %.2f | %.2f | %.2f | %.2f |",
			n, name, p.seconds, p.octoprintCPU, p.tofuCPU, p.providerCPU, f.octoprintCPU))
	}
	return rows
}

var phases = []string{"apply (create)", "no-op plan", "update 10 %", "destroy"}

// cpuRows collect the second table: where the time of each phase goes.
var cpuRows []string

// processCPU returns the CPU seconds a process has used so far (0 when it is gone).
func processCPU(pid int) float64 {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses and may hold spaces.
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	return (utime + stime) / clockTicks
}

// clockTicks is Linux's USER_HZ, the unit of /proc/PID/stat's times.
const clockTicks = 100

// floorLoop does the phase's work with one request per user, one after the other.
func floorLoop(proxy *testserver.Proxy, key string, n int, method string) phase {
	client := &http.Client{}
	proxy.Reset()
	start := time.Now()
	for i := range n {
		name := fmt.Sprintf("floor-%d", i)
		var body []byte
		path := "/api/access/users/" + name
		switch method {
		case http.MethodPost:
			path = "/api/access/users"
			body = []byte(fmt.Sprintf(`{"name":%q,"password":"bench-password","active":true,"groups":["users"]}`, name))
		case http.MethodPut:
			body = []byte(`{"groups":["readonly"]}`)
		}
		req, err := http.NewRequestWithContext(context.Background(), method, proxy.URL+path, bytes.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		req.Header.Set("X-Api-Key", key)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		_ = resp.Body.Close() // only the status matters
		if resp.StatusCode != http.StatusOK {
			log.Fatalf("floor %s %s: %s", method, path, resp.Status)
		}
	}
	return phase{seconds: time.Since(start).Seconds(), requests: proxy.Count()}
}

func writeConfig(dir, bin string, n int) {
	files := map[string]string{
		"tofurc": fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.opentofu.org/octoprint-terraform/octoprint\" = %q\n  }\n  direct {}\n}\n", bin),
		"main.tf": fmt.Sprintf(`terraform {
  required_providers {
    octoprint = { source = "octoprint-terraform/octoprint" }
  }
}

variable "readonly" {
  type    = number
  default = 0
}

resource "octoprint_user" "bench" {
  count       = %d
  name        = "bench-${count.index}"
  password_wo = "bench-password"
  groups      = count.index < var.readonly ? ["readonly"] : ["users"]
}
`, n),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			log.Fatal(err)
		}
	}
}

// runTofu runs one OpenTofu command and measures it, the requests that reached OctoPrint
// and the highest resident memory of the provider's process.
func runTofu(proxy *testserver.Proxy, tofu, dir string, env []string, providerBinary string, args ...string) phase {
	proxy.Reset()
	cmd := exec.CommandContext(context.Background(), tofu, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan struct{})
	watched := make(chan providerUsage)
	go func() { watched <- watchProvider(providerBinary, done) }()
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start).Seconds()
	close(done)
	if err != nil {
		log.Fatalf("tofu %v: %v\n%s", args, err, out.String())
	}
	usage := <-watched
	// The usage wait4 reports for OpenTofu includes its children, the provider's processes.
	tofuCPU := (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds() - usage.cpu
	return phase{seconds: took, requests: proxy.Count(), rssMiB: usage.peakMiB, tofuCPU: tofuCPU, providerCPU: usage.cpu}
}

type providerUsage struct {
	peakMiB float64 // the highest VmHWM of any provider process
	cpu     float64 // CPU seconds of all provider processes, as last seen
}

// watchProvider polls the processes running binary until done, for their peak resident
// memory and CPU time.
func watchProvider(binary string, done <-chan struct{}) providerUsage {
	var peakKiB int64
	cpu := map[string]float64{}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		procs, _ := filepath.Glob("/proc/[0-9]*")
		for _, p := range procs {
			if exe, err := os.Readlink(p + "/exe"); err != nil || exe != binary {
				continue
			}
			status, err := os.ReadFile(p + "/status") //nolint:gosec // G304: a /proc directory that Glob found
			if err != nil {
				continue
			}
			for _, line := range strings.Split(string(status), "\n") {
				if strings.HasPrefix(line, "VmHWM:") {
					kib, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
					peakKiB = max(peakKiB, kib)
				}
			}
			pid, _ := strconv.Atoi(filepath.Base(p))
			if c := processCPU(pid); c > 0 {
				cpu[p] = c
			}
		}
		select {
		case <-done:
			total := 0.0
			for _, c := range cpu {
				total += c
			}
			return providerUsage{peakMiB: float64(peakKiB) / 1024, cpu: total}
		case <-tick.C:
		}
	}
}
