// etcd for the local Kubernetes cluster, built from go.etcd.io/etcd/server/v3 at the version
// pinned in go.mod (../versions.env ETCD_VERSION): its own module, since the server module's
// `replace` directives (../api, ../pkg, …) only apply inside etcd's repository.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
