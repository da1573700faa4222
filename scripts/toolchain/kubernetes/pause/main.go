// The pod sandbox's process for the local Kubernetes cluster (the "pause" container): holds the
// pod's namespaces, reaps orphaned children (it is PID 1 of the pod), and exits on SIGINT or
// SIGTERM. Kubernetes' own is a C program (build/pause/linux/pause.c); this is its Go equivalent,
// built statically with the rest of the toolchain, so no C toolchain or registry is needed.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s == syscall.SIGCHLD {
			for {
				pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
			continue
		}
		os.Exit(0)
	}
}
