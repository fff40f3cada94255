import { Module } from '@nestjs/common';
import { SipGatewaysController } from './sip-gateways.controller';
import { SipGatewaysRepository } from './sip-gateways.repository';
import { SipGatewaysService } from './sip-gateways.service';

/** SIP trunks (`/v1/sip-gateways`), for sessions and API keys with the sip_gateways scopes. */
@Module({
  controllers: [SipGatewaysController],
  providers: [SipGatewaysService, SipGatewaysRepository],
})
export class SipGatewaysModule {}
