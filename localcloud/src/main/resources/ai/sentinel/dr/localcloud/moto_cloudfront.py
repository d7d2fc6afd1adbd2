"""CloudFront, patched by moto_launcher.py: what moto 5.2.1 answers, what AWS does, what we answer.

  F11 CloudFront ETags: moto gives a distribution one ETag for life and accepts any IfMatch on UpdateDistribution.
     AWS makes a new ETag with each update and refuses an IfMatch that is not the current one with 412
     PreconditionFailed (the caller re-reads and re-applies). We do both, so a stale read is refused as on AWS.
"""
from moto.cloudfront import models as cf_models
from moto.cloudfront.exceptions import CloudFrontException


_original_update_distribution = cf_models.CloudFrontBackend.update_distribution


def _update_distribution(self, dist_config, _id, if_match):
    # AWS: IfMatch must be the distribution's current ETag (else 412 PreconditionFailed); each update makes a new one
    dist = self.distributions.get(_id) if _id else None
    if dist is not None and if_match and if_match != dist.etag:
        raise CloudFrontException("PreconditionFailed", "The precondition given in one or more of the request "
                                  "header fields evaluated to false.")
    answer = _original_update_distribution(self, dist_config, _id, if_match)
    dist.etag = cf_models.random_id()
    return answer[0], answer[1], dist.etag


cf_models.CloudFrontBackend.update_distribution = _update_distribution
