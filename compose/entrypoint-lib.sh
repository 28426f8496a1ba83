# Shell functions of the lab nodes' entrypoints (compose backend), sourced by each
# compose/<lab>/nodes/<node>.sh; the image installs this file as
# /usr/local/lib/mxgp/entrypoint-lib.sh. The node script sets MXGP_NODE and MXGP_CONTAINER.

# claim SUBNET TEMPORARY: the interface with an address in SUBNET (Docker attached it) becomes TEMPORARY.
claim() {
    current=""
    for _ in $(seq 50); do
        current=$(ip -o -4 addr show to "$1" | { read -r _ found _ && echo "${found%%@*}"; } || true)
        [ -n "$current" ] && break
        sleep 0.2
    done
    if [ -z "$current" ]; then
        echo "mxgp-entrypoint: $MXGP_NODE: no interface has an address in $1 after 10 s; is the container attached to that link's network? (docker inspect $MXGP_CONTAINER)" >&2
        exit 1
    fi
    [ "$current" = "$2" ] && return 0
    ip link set dev "$current" down
    ip link set dev "$current" name "$2"
}

# name TEMPORARY NAME ADDRESS: renames the claimed interface to NAME, with ADDRESS/29, up.
name() {
    ip link set dev "$1" down
    ip link set dev "$1" name "$2"
    ip addr replace "$3/29" dev "$2"
    ip link set dev "$2" up
}

# chain CHAIN FROM: creates the fault chain CHAIN and the jump to it from FROM, once.
chain() {
    iptables -w -N "$1" 2>/dev/null || true
    iptables -w -C "$2" -j "$1" 2>/dev/null || iptables -w -I "$2" -j "$1"
}

# wait_for FILE...: waits (up to 60 s) until the pki service has written every FILE.
wait_for() {
    for file in "$@"; do
        for _ in $(seq 300); do
            [ -s "$file" ] && break
            sleep 0.2
        done
        if [ ! -s "$file" ]; then
            echo "mxgp-entrypoint: $MXGP_NODE: $file did not appear in 60 s; did the pki service fail? (docker logs of its container)" >&2
            exit 1
        fi
    done
}
