# Starts moto's server handling one request at a time. moto's DynamoDB takes no lock, so with
# concurrent requests two conditional writes on one item can both pass; real DynamoDB never lets
# that happen. Serialising requests restores DynamoDB's atomicity for our concurrency tests.
import sys

import moto.server as server
from werkzeug import serving


def run_simple(*args, **kwargs):
    kwargs["threaded"] = False
    return serving.run_simple(*args, **kwargs)


server.run_simple = run_simple
server.main(sys.argv[1:])
