import { Type } from '@sinclair/typebox';
import { component } from '../../platform/http/contract.ts';
import { Uuid } from '../../platform/http/typed.ts';
import { EXPORT_FORMAT } from './privacy.service.ts';

const section = (description: string) =>
  Type.Object({}, { additionalProperties: true, description });

export const PersonalDataExport = component(
  'PersonalDataExport',
  Type.Object(
    {
      format: Type.Literal(EXPORT_FORMAT),
      generated_at: Type.String({ format: 'date-time' }),
      user_id: Uuid,
      identity: section('The account (erased ones show the pseudonym) and its failed sign-ins'),
      addresses: section('Saved delivery addresses'),
      orders: section('Orders with their lines and delivery address, and carts'),
      payments: section("The orders' payments and their ledger"),
      drivers: section('For a driver: the profile and the location history still kept'),
      dispatch: section("A customer's deliveries; a driver's deliveries, steps and offers"),
      tracking: section("The tracking of a customer's orders"),
      notifications: section('Notifications addressed to the account'),
      support: section('Support tickets the account opened'),
    },
    {
      additionalProperties: false,
      description:
        "Everything lastmile holds about one account, by module; nothing about anyone else (a driver's history leaves out the customers, a customer's deliveries the driver)",
    },
  ),
);

export const privacySchemas = [PersonalDataExport];
