// The benchmark's ceiling: the least a Worker can do under `wrangler dev` on this machine.
export default {
  fetch() {
    return new Response('ok')
  },
}
