import { apiError } from '../../platform/errors/api-error';

/** Error codes of events. */
export const EventErrors = {
  notFound: () => apiError(404, 'resource_missing', 'No such event.'),
};
