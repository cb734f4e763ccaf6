// The load generator, in a process of its own: runs autocannon once and prints its result as JSON.
// Requests that differ (names, bodies) are made by setupRequest from a counter shared by every
// connection, rather than from a long request array per connection, which costs autocannon more
// CPU than the server under test on a 2-core machine.
import autocannon from 'autocannon'

const spec = JSON.parse(process.argv[2])
let counter = 0

function fill (text, i) {
  const name = `Bench Customer ${String(i % spec.rows).padStart(7, '0')}`
  return text.replaceAll('{name}', encodeURIComponent(name)).replaceAll('{i}', String(i)).replaceAll('{unique}', `${process.pid}-${i}`)
}

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  headers: spec.headers,
  method: spec.method,
  requests: [{
    setupRequest: (request) => {
      const i = counter++
      return { ...request, path: fill(spec.path, i), ...(spec.body === undefined ? {} : { body: fill(JSON.stringify(spec.body), i) }) }
    }
  }]
})
process.stdout.write(JSON.stringify({
  requests: result.requests.total,
  rps: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts
}))
